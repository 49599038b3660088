// USD budgets on keys and accounts through the admin API, used with the official SDKs on a clock the test
// moves: worst-case reservations, budget_exceeded refusals in each dialect, X-Budget-* headers on every
// answer, threshold events recorded once, and a new period starting afresh.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { adminClient, rejection, sdk, type AccountOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

// 2026-12-01 10:00 UTC, a Tuesday.
const clock = new ManualClock(Date.UTC(2026, 11, 1, 10, 0, 0));
let t: TestGateway;
let admin: ReturnType<typeof adminClient>;
let account: AccountOut;

const ask = { model: 'gpt-4.1', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Please describe the weather in Lisbon today in a few short words' }] };

interface EventOut {
  scope: string;
  key_id: string;
  threshold_percent: number;
  period: string;
  settled_usd: number;
  budget: { limit_usd: number; period: string };
}

/** One answer and its budget headers, or the refusal. */
async function spend(client: OpenAI) {
  try {
    const { data, response } = await client.chat.completions.create(ask).withResponse();
    return { ok: true as const, data, headers: response.headers };
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { ok: false as const, err };
    throw err;
  }
}

/** The worst case one `ask` reserves: what the budget headers say is held while nothing else is spent. */
async function worstCaseUsd(): Promise<number> {
  const key = await admin.createKey(account.id, { budget: { limit_usd: 1, period: 'month' } });
  const { response } = await sdk(t.gw, key.secret!).chat.completions.create(ask).withResponse();
  return 1 - Number(response.headers.get('x-budget-remaining-usd'));
}

beforeAll(async () => {
  t = await startTestGateway({ clock });
  admin = adminClient(t.gw);
  account = await admin.createAccount('Budgeted', 'pro');
});
afterAll(async () => {
  await t?.close();
});

describe('a key budget', () => {
  it('admits while the worst case fits, then refuses with budget_exceeded; settled spend stays under the limit', async () => {
    const worst = await worstCaseUsd();
    expect(worst).toBeGreaterThan(0);
    const limit = Math.ceil(worst * 10 * 1e6) / 1e6;
    const key = await admin.createKey(account.id, { budget: { limit_usd: limit, period: 'day' } });
    expect(key.budget).toEqual({ limit_usd: limit, period: 'day' });
    const client = sdk(t.gw, key.secret!);

    let last: Awaited<ReturnType<typeof spend>> | undefined;
    let answered = 0;
    for (let i = 0; i < 40; i++) {
      last = await spend(client);
      if (!last.ok) break;
      answered++;
      expect(last.headers.get('x-budget-limit-usd')).toBe(String(limit));
      expect(Number(last.headers.get('x-budget-remaining-usd'))).toBeGreaterThanOrEqual(0);
      expect(last.headers.get('x-budget-reset')).toBe('2026-12-02T00:00:00Z');
      await t.gw.usageSettled();
    }
    // Each answer costs less than its worst case, so more than ten fit, but not forty.
    expect(answered).toBeGreaterThan(10);
    expect(last?.ok).toBe(false);
    const refusal = (last as { err: InstanceType<typeof OpenAI.APIError> }).err;
    expect(refusal).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refusal.status).toBe(429);
    expect(refusal.code).toBe('budget_exceeded');
    expect((refusal.error as { type: string }).type).toBe('insufficient_quota');
    expect(refusal.message).toContain("This key's budget is");
    expect(refusal.message).toContain('per day (2026-12-01)');
    // Retry-After: the seconds to midnight UTC.
    expect(refusal.headers?.get('retry-after')).toBe(String(14 * 3600));
    expect(refusal.headers?.get('x-budget-limit-usd')).toBe(String(limit));
    const remaining = Number(refusal.headers?.get('x-budget-remaining-usd'));
    expect(remaining).toBeLessThan(worst);

    // What the usage report says the key spent is what the budget counted, under the limit.
    const usage = await admin.ok<{ data: Array<{ cost_usd: number; key_id?: string }> }>('GET', `/admin/accounts/${account.id}/usage?group_by=key&from=2026-12-01&to=2026-12-01`);
    const spent = usage.data.find((r) => r.key_id === key.id)!.cost_usd;
    expect(spent).toBeLessThanOrEqual(limit);
    expect(spent).toBeCloseTo(limit - remaining, 6);

    // Crossing 50% and 80% was recorded once each; 100% cannot be reached by reservations that must fit.
    const events = (await admin.ok<{ data: EventOut[] }>('GET', `/admin/accounts/${account.id}/events`)).data.filter((e) => e.key_id === key.id);
    expect(events.map((e) => e.threshold_percent).sort()).toEqual([50, 80]);
    for (const e of events) expect(e).toMatchObject({ scope: 'key', period: '2026-12-01', budget: { limit_usd: limit, period: 'day' } });

    // The Anthropic dialect refuses with its own error type.
    const claude = new Anthropic({ baseURL: t.gw.url, apiKey: key.secret!, maxRetries: 0 });
    const anthropicRefusal = await claude.messages.create({ model: 'gpt-4.1', max_tokens: 20, messages: ask.messages }).catch((e: unknown) => e);
    expect(anthropicRefusal).toBeInstanceOf(Anthropic.RateLimitError);
    expect((anthropicRefusal as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ error: { type: 'rate_limit_error' } });

    // Other answers carry the budget headers too: a 400 after authentication, the models list.
    const bad = await rejection(client.chat.completions.create({ ...ask, max_tokens: 1_000_000 }));
    expect(bad.status).toBe(400);
    expect((bad.error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-budget-limit-usd')).toBe(String(limit));
    const listed = await client.models.list().withResponse();
    expect(listed.response.headers.get('x-budget-remaining-usd')).toBe(String(remaining));

    // A new day starts the budget afresh.
    clock.set(Date.UTC(2026, 11, 2, 0, 0, 1));
    const next = await spend(client);
    expect(next.ok).toBe(true);
    if (next.ok) {
      expect(Number(next.headers.get('x-budget-remaining-usd'))).toBeCloseTo(limit - worst, 6);
      expect(next.headers.get('x-budget-reset')).toBe('2026-12-03T00:00:00Z');
    }
    clock.set(Date.UTC(2026, 11, 1, 10, 0, 0));
  });

  it('refuses a request whose worst case alone is above the budget, without Retry-After', async () => {
    const key = await admin.createKey(account.id, { budget: { limit_usd: 0.000001, period: 'total' } });
    const r = await spend(sdk(t.gw, key.secret!));
    expect(r.ok).toBe(false);
    const err = (r as { err: InstanceType<typeof OpenAI.APIError> }).err;
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('more than the whole budget');
    expect(err.headers?.get('retry-after')).toBeNull();
    expect(err.headers?.get('x-budget-reset')).toBeNull();
  });
});

describe('budget headers', () => {
  it('are on every kind of answer: streamed, an upstream failure, and the budget given back for a request never served', async () => {
    const key = await admin.createKey(account.id, { budget: { limit_usd: 5, period: 'month' } });
    const client = sdk(t.gw, key.secret!);
    const { data: stream, response } = await client.chat.completions.create({ ...ask, stream: true }).withResponse();
    for await (const _ of stream) void _;
    expect(response.headers.get('x-budget-limit-usd')).toBe('5');
    expect(response.headers.get('x-budget-reset')).toBe('2027-01-01T00:00:00Z');
    await t.gw.usageSettled();
    t.gw.simulator?.configure('openai', { fault: { kind: 'status', status: 503, times: 1 } });
    const failed = await client.chat.completions.create(ask).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    const headers = (failed as InstanceType<typeof OpenAI.APIError>).headers!;
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(headers.get('x-budget-limit-usd')).toBe('5');
    // The failed request cost nothing: after it settles, its reservation is back.
    await t.gw.usageSettled();
    const after = await client.models.list().withResponse();
    const before = Number(response.headers.get('x-budget-remaining-usd'));
    expect(Number(after.response.headers.get('x-budget-remaining-usd'))).toBeGreaterThan(before);
  });
});

describe('an account budget', () => {
  it('is shared by all its keys, and the tighter of key and account budgets is the one the headers show', async () => {
    const worst = await worstCaseUsd();
    const shared = await admin.createAccount('Shared', 'pro', { budget: { limit_usd: Math.ceil(worst * 2.5 * 1e6) / 1e6, period: 'week' } });
    const a = sdk(t.gw, (await admin.createKey(shared.id, {})).secret!);
    const b = sdk(t.gw, (await admin.createKey(shared.id, { budget: { limit_usd: 100, period: 'month' } })).secret!);
    const first = await spend(a);
    expect(first.ok).toBe(true);
    if (first.ok) {
      expect(first.headers.get('x-budget-scope')).toBe('account');
      // Weeks start on Monday: this one ends Monday 2026-12-07.
      expect(first.headers.get('x-budget-reset')).toBe('2026-12-07T00:00:00Z');
    }
    let refused: InstanceType<typeof OpenAI.APIError> | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await spend(i % 2 ? a : b);
      if (!r.ok) refused = r.err;
    }
    expect(refused?.code).toBe('budget_exceeded');
    expect(refused?.message).toContain("account's budget");
    expect(refused?.message).toContain('per week (week of 2026-11-30)');
  });
});

describe('admin API', () => {
  it('refuses a bad budget naming the field, and removes one with null', async () => {
    for (const [budget, param] of [
      [{ limit_usd: -1, period: 'day' }, 'budget.limit_usd'],
      [{ limit_usd: 'ten', period: 'day' }, 'budget.limit_usd'],
      [{ limit_usd: 0.0000001, period: 'day' }, 'budget.limit_usd'],
      [{ limit_usd: 10, period: 'year' }, 'budget.period'],
      [{ limit_usd: 10 }, 'budget.period'],
      [{ limit_usd: 10, period: 'day', alerts: true }, 'budget.alerts'],
      [10, 'budget'],
    ] as const) {
      const r = await admin.call<{ error: { param: string } }>('POST', `/admin/accounts/${account.id}/keys`, { budget });
      expect(r.status, JSON.stringify(budget)).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
    const key = await admin.createKey(account.id, { budget: { limit_usd: 5, period: 'total' } });
    const cleared = await admin.ok<{ budget: unknown }>('PATCH', `/admin/keys/${key.id}`, { budget: null });
    expect(cleared.budget).toBeNull();
  });
});
