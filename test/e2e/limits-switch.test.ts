// What the benchmark compares: DynamoDB requests per admitted request on the hot path (counted by the
// store), and the gateway with limits switched off (OP_LIMITS=off: no counters, no leases, usage still
// metered).
import { afterEach, describe, expect, it } from 'vitest';
import { settlementsDone } from '../../lambda/core/lifecycle';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { clientFor, counters, limitedKey, recordsOf } from '../helpers/limits';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const ask = { model: 'gpt-4.1', messages: [{ role: 'user' as const, content: 'count me' }] };
const FOUR = { requestsPerMinute: 100, tokensPerMinute: 100_000, tokensPerMonth: 1_000_000, concurrentRequests: 10, maxTokensPerRequest: null };

describe('hot path cost', () => {
  it('admits with one conditional write and settles with one, each a single write unit, and no key read once the key is cached', async () => {
    t = await startTestGateway();
    const store = t.gw.deps.store;
    const key = await limitedKey(store, t.gw.deps.clock, FOUR);
    const client = clientFor(t.gw.baseUrl, key.secret);
    await client.chat.completions.create(ask);
    await settlementsDone();
    store.requests!.reset();
    for (let i = 0; i < 5; i++) await client.chat.completions.create(ask);
    await settlementsDone();
    const counts = store.requests!.snapshot();
    // Four limits on one item: requests and tokens per minute, the lease and the month's tokens together.
    expect(counts['limits.admit']).toBe(5);
    expect(counts['dynamodb.GetItemCommand'] ?? 0).toBe(0);
    expect(counts['limits.read'] ?? 0).toBe(0);
    // Settlement, after the last byte: the tokens corrected, the lease back and the usage record stored,
    // in one update of the same item; the aggregates are the aggregator's, off the request path.
    expect(counts['limits.settle']).toBe(5);
    expect(counts['usage.record'] ?? 0).toBe(0);
    // Ten writes in all, each under 1 KB: ten write units, as DynamoDB counted them.
    expect(counts['wcu.dynamodb.UpdateItem']).toBe(10);
    expect(Object.keys(counts).filter((k) => k.startsWith('dynamodb.') && k !== 'dynamodb.UpdateItemCommand')).toEqual([]);
  });
});

describe('OP_LIMITS=off', () => {
  it('admits without counting, says so, and still meters usage', async () => {
    t = await startTestGateway({ env: { OP_LIMITS: 'off' } });
    const store = t.gw.deps.store;
    const key = await limitedKey(store, t.gw.deps.clock, { ...FOUR, requestsPerMinute: 1 });
    const client = clientFor(t.gw.baseUrl, key.secret);
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions.create(ask).withResponse();
      expect(response.headers.get('x-op-limits')).toBe('off');
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
    await settlementsDone();
    expect(store.requests!.snapshot()['limits.admit'] ?? 0).toBe(0);
    expect(await counters(store, key.keyId, t.gw.deps.clock.now())).toEqual({ requestsMinute: 0, tokensMinute: 0, tokensMonth: 0, active: 0 });
    expect(await recordsOf(store, key.accountId, 3)).toHaveLength(3);
  });
});
