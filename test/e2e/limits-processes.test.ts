// Limits are exact across instances: two `npm start` processes share one dynalite and one simulator, as
// Lambda instances share DynamoDB. N requests at once against a limit of L: exactly L answered, N - L
// refused with 429; afterwards the counters and the usage records add up to what the answers reported.
// Then the concurrency lease: renewed while a long stream runs, and reclaimed after its process is killed.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { systemClock } from '../../lambda/core/clock';
import type { Limits } from '../../lambda/core/plans';
import type { Store } from '../../lambda/core/records';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { SIM_PROTOCOLS, startSimulator, type Simulator } from '../../lambda/local/simulator';
import type { EventSource } from '../../lambda/local/event-source';
import { startUsageStream } from '../../lambda/local/usage-stream';
import { ensureTables } from '../../lambda/store/bootstrap';
import { budgetWindow } from '../../lambda/core/limits/budget';
import { leaseEpochAt, windowsAt } from '../../lambda/core/limits/windows';
import { createStore } from '../../lambda/store/dynamo';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway';
import { clientFor, countersWhenSettled, leasesReleased, limitedKey, recordsOf, sum } from '../helpers/limits';

const LEASE_MS = 1_500;
let dynamo: LocalDynamo;
let simulator: Simulator;
let store: Store;
let gateways: GatewayProcess[] = [];
let usage: EventSource | undefined;

beforeAll(async () => {
  dynamo = await startDynalite();
  simulator = await startSimulator({ protocols: SIM_PROTOCOLS });
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = createStore(config);
  // The test owns the store, so it runs the usage aggregator, as AWS runs it beside the table.
  usage = startUsageStream(dynamo.streams, config, store.usage, systemClock);
  gateways = await Promise.all(
    [0, 1].map(() => spawnGateway({ dynamoEndpoint: dynamo.endpoint, simulatorUrl: simulator.url, env: { OP_LEASE_MS: String(LEASE_MS) } })),
  );
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.kill()));
  usage?.close();
  await simulator?.close();
  await dynamo?.close();
});
beforeEach(async () => {
  simulator.reset();
  // Per-minute windows are real minutes here: start well inside one so a burst cannot straddle two.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 50));
});

const GENEROUS: Limits = { requestsPerMinute: 10_000, tokensPerMinute: 10_000_000, tokensPerMonth: 100_000_000, concurrentRequests: 1_000, maxTokensPerRequest: null };
const N = 10;
const L = 4;
const body = { model: 'gpt-4.1', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Count to three' }] };

/** N requests at once, alternating between the two processes, all with the same key. */
async function burst(secret: string, stream: boolean) {
  const clients = gateways.map((g) => clientFor(g.baseUrl, secret));
  return Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const client = clients[i % clients.length]!;
      try {
        if (!stream) {
          const c = await client.chat.completions.create(body);
          return { ok: true as const, id: c.id, usage: c.usage! };
        }
        const s = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
        let id = '';
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of s) {
          id = chunk.id;
          if (chunk.usage) usage = chunk.usage;
        }
        return { ok: true as const, id, usage: usage! };
      } catch (err) {
        if (!(err instanceof OpenAI.RateLimitError)) throw err;
        return { ok: false as const, message: err.message };
      }
    }),
  );
}

describe.each([
  ['requests per minute', { requestsPerMinute: L }, false],
  // Reservation per request: the prompt estimate (11) + max_tokens (50) = 61; room for four, not five.
  ['tokens per minute', { tokensPerMinute: L * 61 + 30 }, true],
  ['tokens per month', { tokensPerMonth: L * 61 + 30 }, false],
  ['concurrent requests', { concurrentRequests: L }, true],
] as const)('exactly %s across two processes', (name, limits, stream) => {
  it(`admits ${L} of ${N} simultaneous requests, refuses the rest, and counts exactly what was used`, async () => {
    const key = await limitedKey(store, systemClock, { ...GENEROUS, ...limits });
    // Every answer takes a while, so all N are in flight together and no settlement frees room mid-burst.
    simulator.configure('openai', { ttftMs: 1_000 });
    const at = Date.now();
    const results = await burst(key.secret, stream);

    const admitted = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(admitted).toHaveLength(L);
    expect(refused).toHaveLength(N - L);
    for (const r of refused) expect(r.message).toContain(name);

    const records = await recordsOf(store, key.accountId, L);
    await leasesReleased(store, key.keyId, at, LEASE_MS);
    expect(records).toHaveLength(L);
    // Each answer's usage is exactly what was metered for it.
    for (const r of admitted) {
      const record = records.find((x) => x.completionId === r.id);
      expect(record, `record of ${r.id}`).toMatchObject({
        promptTokens: r.usage.prompt_tokens,
        completionTokens: r.usage.completion_tokens,
        totalTokens: r.usage.total_tokens,
        usageSource: 'upstream',
        status: 'ok',
      });
    }
    const used = sum(admitted, (r) => r.usage.total_tokens);
    const expected = { requestsMinute: L, tokensMinute: used, tokensMonth: used, active: 0 };
    expect(await countersWhenSettled(store, key.keyId, at, expected, 5_000, LEASE_MS)).toEqual(expected);
  });
});

describe('exactly a USD budget across two processes', () => {
  it(`admits the ${L} of ${N} simultaneous requests whose worst-case cost fits, refuses the rest, and never settles more than the budget`, async () => {
    const key = await limitedKey(store, systemClock, GENEROUS);
    const record = (await store.keys.getKeyById(key.keyId))!;
    // The worst case of one request, as admission reserves it: seen in the headers of a stream's start
    // (nothing else spent yet) under a budget far above it.
    const probeLimit = 1;
    await store.keys.updateKey({ ...record, budget: { limitUsd: probeLimit, period: 'month' } });
    const { data: probe, response } = await clientFor(gateways[0]!.baseUrl, key.secret).chat.completions.create({ ...body, stream: true }).withResponse();
    const worstNano = Math.round((probeLimit - Number(response.headers.get('x-budget-remaining-usd'))) * 1e9);
    for await (const _ of probe) void _;
    expect(worstNano).toBeGreaterThan(0);

    // A fresh key whose budget fits L worst cases and half of one more (whole micro-dollars, as the API takes them).
    const fresh = await limitedKey(store, systemClock, GENEROUS);
    const limitNano = Math.ceil((L * worstNano + worstNano / 2) / 1000) * 1000;
    expect(limitNano).toBeLessThan((L + 1) * worstNano);
    const freshRecord = (await store.keys.getKeyById(fresh.keyId))!;
    await store.keys.updateKey({ ...freshRecord, budget: { limitUsd: limitNano / 1e9, period: 'month' } });
    simulator.configure('openai', { ttftMs: 1_000 });
    const at = Date.now();
    const results = await burst(fresh.secret, true);

    const admitted = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(admitted).toHaveLength(L);
    expect(refused).toHaveLength(N - L);
    for (const r of refused) expect(r.message).toContain('Budget exceeded');
    const records = await recordsOf(store, fresh.accountId, L);
    const spent = sum(records, (r) => r.costNanoUsd);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(limitNano);
    // The counter holds exactly the settled costs: every reservation moved to its cost or was given back.
    const budget = budgetWindow('month', at);
    const w = windowsAt(at);
    await leasesReleased(store, fresh.keyId, at, LEASE_MS);
    const values = await store.limits.read({ keyId: fresh.keyId, shard: 0 }, { epoch: leaseEpochAt(at, LEASE_MS), minute: Number(w.minute), month: w.month, budget });
    expect(values).toMatchObject({ budgetSpent: spent, budgetSettled: spent });
  });
});

describe('concurrency leases across processes', () => {
  it('keeps a slot while its stream outlives the lease (renewed), then frees it when the stream ends', async () => {
    const key = await limitedKey(store, systemClock, { ...GENEROUS, concurrentRequests: 1 });
    const [a, b] = gateways.map((g) => clientFor(g.baseUrl, key.secret));
    simulator.configure('openai', { ttftMs: 0, tokensPerSecond: 4 });
    const long = await a!.chat.completions.create({ ...body, stream: true });
    const done = (async () => {
      for await (const _ of long) void _;
    })();
    // Past one lease length without renewal the slot would be reclaimable; it must still be held.
    await new Promise((r) => setTimeout(r, LEASE_MS + 600));
    simulator.configure('anthropic', {});
    const err = await b!.chat.completions.create({ ...body, model: 'claude-haiku-4.5' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    await done;
    await leasesReleased(store, key.keyId, Date.now(), LEASE_MS);
    await b!.chat.completions.create({ ...body, model: 'claude-haiku-4.5' });
  });

  it('reclaims the slot of a process that was killed mid-stream within one lease length', async () => {
    const key = await limitedKey(store, systemClock, { ...GENEROUS, concurrentRequests: 1 });
    const [survivor, victim] = gateways as [GatewayProcess, GatewayProcess];
    simulator.configure('openai', { ttftMs: 0, tokensPerSecond: 4 });
    const stream = await clientFor(victim.baseUrl, key.secret).chat.completions.create({ ...body, stream: true });
    let streaming!: () => void;
    const started = new Promise<void>((resolve) => (streaming = resolve));
    // The connection dies with the process: the client's read fails, as it would against a dead Lambda.
    const cut = (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) streaming();
    })().catch(() => undefined);
    await started;
    await victim.kill('SIGKILL');
    const killedAt = Date.now();

    const client = clientFor(survivor.baseUrl, key.secret);
    const first = await client.chat.completions.create({ ...body, model: 'claude-haiku-4.5' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(OpenAI.RateLimitError);
    expect((first as Error).message).toContain('concurrent requests');

    let admittedAfter: number | undefined;
    while (admittedAfter === undefined && Date.now() - killedAt < LEASE_MS + 3_000) {
      await new Promise((r) => setTimeout(r, 100));
      const answer = await client.chat.completions.create({ ...body, model: 'claude-haiku-4.5' }).catch(() => undefined);
      if (answer) admittedAfter = Date.now() - killedAt;
    }
    expect(admittedAfter, 'slot reclaimed').toBeDefined();
    // Its last renewal was before the kill, so the lease ran out at most LEASE_MS after it (plus polling).
    expect(admittedAfter!).toBeLessThanOrEqual(LEASE_MS + 1_000);
    await cut;
  });
});
