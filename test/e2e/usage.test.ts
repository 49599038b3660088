// Usage metering after a mixed load (JSON and streams, two keys, several providers, a fallback, an upstream
// failure and a cut stream injected by the simulator): every answer's usage is exactly what was metered,
// the aggregates served by the admin API and the CLI equal the sums over the records, and the month's
// token counter equals the tokens metered.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../bin/admin/main';
import { issueKey } from '../../lambda/core/accounts';
import { ManualClock } from '../../lambda/core/clock';
import { USAGE_STREAM } from '../../lambda/store/tables';
import type { UsageRecord } from '../../lambda/core/usage/record';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { clientFor, counters, limitedKey, recordsOf, sum } from '../helpers/limits';

const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 5));
let t: TestGateway;
let accountId: string;
let keyIds: [string, string];
let records: UsageRecord[];
/** Answers that carried usage: completion id -> usage as the client saw it. */
const seen = new Map<string, OpenAI.CompletionUsage>();
/** Streams asked without usage, and the identical JSON request whose usage they must have been metered at. */
const twins: Array<{ streamId: string; usage: OpenAI.CompletionUsage }> = [];

const say = (model: string, content: string) => ({ model, messages: [{ role: 'user' as const, content }] });

async function json(client: OpenAI, body: ReturnType<typeof say>) {
  const c = await client.chat.completions.create(body);
  seen.set(c.id, c.usage!);
  return c;
}

async function stream(client: OpenAI, body: ReturnType<typeof say>, includeUsage: boolean) {
  const s = await client.chat.completions.create({ ...body, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
  let id = '';
  for await (const chunk of s) {
    id = chunk.id;
    if (chunk.usage) seen.set(chunk.id, chunk.usage);
  }
  return id;
}

async function admin(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.gw.url}${path}`, { headers: { authorization: `Bearer ${t.gw.adminToken}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await startTestGateway({ clock });
  const store = t.gw.deps.store;
  const first = await limitedKey(store, clock, { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, tokensPerMonth: 1_000_000, concurrentRequests: 50 });
  const second = await issueKey(store.keys, first.accountId, { label: 'second' }, clock);
  accountId = first.accountId;
  keyIds = [first.keyId, second.record.keyId];
  const [a, b] = [clientFor(t.gw.baseUrl, first.secret), clientFor(t.gw.baseUrl, second.secret)];
  const sim = t.gw.simulator!;

  await Promise.all([
    json(a, say('gpt-4.1', 'alpha one two')),
    stream(a, say('claude-haiku-4.5', 'bravo three'), true),
    json(b, say('gemini-2.5-flash', 'charlie four five six')),
    json(b, { ...say('auto', 'echo seven'), routing: 'cost' } as ReturnType<typeof say>),
  ]);
  // A stream without usage in it, and the same request as JSON: the simulator answers both identically.
  const quiet = await stream(b, say('nova-lite', 'delta eight'), false);
  twins.push({ streamId: quiet, usage: (await json(b, say('nova-lite', 'delta eight'))).usage! });

  // Anthropic fails once: the request falls back to Bedrock and is metered there.
  sim.configure('anthropic', { fault: { kind: 'status', status: 500, times: 1 } });
  await json(a, say('claude-haiku-4.5', 'foxtrot nine'));
  // DeepSeek fails: no answer, a request with no tokens.
  sim.configure('deepseek', { fault: { kind: 'status', status: 500 } });
  await expect(json(b, say('deepseek-chat', 'golf ten'))).rejects.toBeInstanceOf(OpenAI.APIError);
  // Mistral cuts its stream after three tokens.
  sim.configure('mistral', { fault: { kind: 'cut', afterTokens: 3 } });
  await expect(stream(a, say('mistral-large', 'hotel eleven'), true)).rejects.toBeInstanceOf(OpenAI.APIError);

  // Records and aggregates come from the aggregator, off the request path: wait until it has caught up.
  await t.gw.usageSettled();
  records = await recordsOf(store, accountId, 9);
});
afterAll(async () => {
  await t?.close();
});

describe('usage records', () => {
  it('hold, for every answer, exactly the usage the client was given', () => {
    expect(records).toHaveLength(9);
    expect(seen.size).toBe(6);
    for (const [id, usage] of seen) {
      const record = records.find((r) => r.completionId === id);
      expect(record, id).toMatchObject({
        promptTokens: usage.prompt_tokens,
        completionTokens: usage.completion_tokens,
        totalTokens: usage.total_tokens,
        usageSource: 'upstream',
        status: 'ok',
      });
    }
    for (const twin of twins) {
      const record = records.find((r) => r.completionId === twin.streamId);
      expect(record).toMatchObject({ totalTokens: twin.usage.total_tokens, stream: true, usageSource: 'upstream' });
    }
  });

  it('say what happened: fallback provider, upstream failure, cut stream', () => {
    const byPrompt = (model: string, status: UsageRecord['status']) => records.filter((r) => r.requestedModel === model && r.status === status);
    expect(byPrompt('claude-haiku-4.5', 'ok').map((r) => r.provider).sort()).toEqual(['anthropic', 'bedrock']);
    expect(byPrompt('deepseek-chat', 'upstream_error')[0]).toMatchObject({ totalTokens: 0, costNanoUsd: 0, modelUsed: null, errorCode: 'all_routes_failed' });
    expect(byPrompt('mistral-large', 'stream_error')[0]).toMatchObject({ completionTokens: 3, usageSource: 'estimated', modelUsed: 'mistral-large' });
    expect(records.find((r) => r.requestedModel === 'auto')).toMatchObject({ routingMode: 'cost', status: 'ok' });
  });

  it('add up to the key counters: the month and the minute hold exactly the metered tokens', async () => {
    const metered = sum(records, (r) => r.totalTokens);
    for (const [i, keyId] of keyIds.entries()) {
      const mine = sum(records.filter((r) => r.keyId === keyId), (r) => r.totalTokens);
      const c = await counters(t.gw.deps.store, keyId, clock.now());
      expect(c, `key ${i}`).toMatchObject({ tokensMonth: mine, tokensMinute: mine, active: 0 });
    }
    expect(metered).toBeGreaterThan(0);
  });
});

describe('GET /admin/accounts/{id}/usage', () => {
  const totals = (rs: UsageRecord[]) => ({
    requests: rs.length,
    prompt_tokens: sum(rs, (r) => r.promptTokens),
    completion_tokens: sum(rs, (r) => r.completionTokens),
    total_tokens: sum(rs, (r) => r.totalTokens),
    cost_usd: sum(rs, (r) => r.costNanoUsd) / 1e9,
  });
  const groups = (key: (r: UsageRecord) => string) => {
    const out = new Map<string, UsageRecord[]>();
    for (const r of records) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
    return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  };

  it('by day, model and key equals the sums over the records', async () => {
    const day = await admin(`/admin/accounts/${accountId}/usage?from=2026-01-15&to=2026-01-15&group_by=day`);
    expect(day.status).toBe(200);
    expect(day.body).toMatchObject({ object: 'usage', account_id: accountId, group_by: 'day', total: totals(records) });
    expect(day.body.data).toEqual([{ day: '2026-01-15', ...totals(records) }]);

    const model = await admin(`/admin/accounts/${accountId}/usage?from=2026-01-01&to=2026-01-31&group_by=model`);
    expect(model.body.data).toEqual(groups((r) => r.modelUsed ?? '(none)').map(([m, rs]) => ({ model: m, ...totals(rs) })));

    const key = await admin(`/admin/accounts/${accountId}/usage?group_by=key&to=2026-01-15`);
    expect(key.body).toMatchObject({ from: '2026-01-01', to: '2026-01-15' });
    expect(key.body.data).toEqual(groups((r) => r.keyId).map(([k, rs]) => ({ key_id: k, ...totals(rs) })));

    // By day and model: every record is of 2026-01-15, so one row per model that day.
    const dayModel = await admin(`/admin/accounts/${accountId}/usage?from=2026-01-15&to=2026-01-15&group_by=day_model`);
    expect(dayModel.body.data).toEqual(groups((r) => r.modelUsed ?? '(none)').map(([m, rs]) => ({ day: '2026-01-15', model: m, ...totals(rs) })));
    const dayKey = await admin(`/admin/accounts/${accountId}/usage?from=2026-01-15&to=2026-01-15&group_by=day_key`);
    expect(dayKey.body.data).toEqual(groups((r) => r.keyId).map(([k, rs]) => ({ day: '2026-01-15', key_id: k, ...totals(rs) })));
  });

  it('is empty outside the days used, and answers 400 naming the parameter for bad input, 404 for no account', async () => {
    expect((await admin(`/admin/accounts/${accountId}/usage?from=2026-01-16&to=2026-01-31`)).body).toMatchObject({
      data: [],
      total: { requests: 0, total_tokens: 0 },
    });
    for (const [query, param] of [
      ['from=2026-13-01', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-02-01&to=2026-01-01', 'from'],
      ['from=2024-01-01&to=2026-01-01', 'from'],
      ['group_by=hour', 'group_by'],
      ['granularity=day', 'granularity'],
    ]) {
      const r = await admin(`/admin/accounts/${accountId}/usage?${query}`);
      expect(r.status, query).toBe(400);
      expect((r.body.error as { param: string }).param, query).toBe(param);
    }
    expect((await admin('/admin/accounts/acct_0000000000000000/usage')).status).toBe(404);
  });
});

describe('op-admin usage show', () => {
  async function cli(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...args, '--endpoint', t.gw.url, '--token', t.gw.adminToken], {}, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('prints the same numbers as the API, as JSON and as a table with a total', async () => {
    const api = await admin(`/admin/accounts/${accountId}/usage?from=2026-01-15&to=2026-01-15&group_by=model`);
    const asJson = await cli(['usage', 'show', accountId, '--from', '2026-01-15', '--to', '2026-01-15', '--group-by', 'model', '--json']);
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.out)).toEqual(api.body);

    const asTable = await cli(['usage', 'show', accountId, '--from', '2026-01-15', '--to', '2026-01-15', '--group-by', 'model']);
    expect(asTable.code).toBe(0);
    const lines = asTable.out.split('\n');
    expect(lines[1]).toMatch(/^MODEL\s+REQUESTS\s+PROMPT\s+COMPLETION\s+TOTAL TOKENS\s+COST$/);
    const total = api.body.total as { requests: number; total_tokens: number };
    expect(lines.at(-1)).toMatch(new RegExp(`^total\\s+${total.requests}\\s+\\d+\\s+\\d+\\s+${total.total_tokens}\\s+\\$\\d+\\.\\d{6}$`));
    expect(lines).toHaveLength(2 + (api.body.data as unknown[]).length + 1);
  });

  it('shows the API error naming the parameter', async () => {
    const r = await cli(['usage', 'show', accountId, '--group-by', 'hour']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('group_by');
  });
});

describe('freshness', () => {
  it('a request shows in the usage report within the aggregator batching window, plus its run', async () => {
    const key = await limitedKey(t.gw.deps.store, clock, { requestsPerMinute: 100 });
    const began = Date.now();
    await clientFor(t.gw.baseUrl, key.secret).chat.completions.create(say('gpt-4.1', 'fresh'));
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    let shown = false;
    while (!shown && Date.now() - began < 20_000) {
      const { body } = await admin(`/admin/accounts/${key.accountId}/usage?from=${day}&to=${day}`);
      shown = (body.total as { requests: number } | undefined)?.requests === 1;
      if (!shown) await new Promise((r) => setTimeout(r, 100));
    }
    expect(shown).toBe(true);
    // The README's bound: the batching window (${USAGE_STREAM.maxBatchingWindowSeconds} s) and a few seconds for the run.
    expect(Date.now() - began).toBeLessThan(USAGE_STREAM.maxBatchingWindowSeconds * 1000 + 5_000);
  });
});
