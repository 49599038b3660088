import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { LastUsedRecorder } from '../../lambda/core/last-used';
import type { KeyRecord } from '../../lambda/core/records';

const key = (hash: string, lastUsedAt?: string): KeyRecord => ({
  keyId: `key_${hash.padEnd(16, '0')}`,
  accountId: 'acct_0123456789abcdef',
  hash,
  label: '',
  hint: 'op_abcd…wxyz',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...(lastUsedAt ? { lastUsedAt } : {}),
});

function recorder(clock: ManualClock, fail = false) {
  const writes: Array<[string, string]> = [];
  const store = {
    touchKey: async (hash: string, at: string) => {
      writes.push([hash, at]);
      if (fail) throw new Error('table unavailable');
    },
  };
  return { writes, rec: new LastUsedRecorder(store, clock) };
}

describe('LastUsedRecorder', () => {
  it('writes a key at most once a minute, however many requests it serves', async () => {
    const clock = new ManualClock();
    const { writes, rec } = recorder(clock);
    for (let i = 0; i < 100; i++) {
      rec.note(key('a'));
      clock.advance(500);
    }
    await rec.settle();
    expect(writes.map(([h]) => h)).toEqual(['a']);
    clock.advance(10_000); // 60 s after the first write
    rec.note(key('a'));
    await rec.settle();
    expect(writes).toHaveLength(2);
    expect(writes[1]?.[1]).toBe(new Date(clock.now()).toISOString());
  });

  it('tracks keys separately and skips a key another instance touched within the minute', async () => {
    const clock = new ManualClock();
    const { writes, rec } = recorder(clock);
    rec.note(key('a'));
    rec.note(key('b'));
    rec.note(key('c', new Date(clock.now() - 30_000).toISOString()));
    await rec.settle();
    expect(writes.map(([h]) => h)).toEqual(['a', 'b']);
  });

  it('swallows a failed write and does not retry it on every request', async () => {
    const clock = new ManualClock();
    const { writes, rec } = recorder(clock, true);
    rec.note(key('a'));
    rec.note(key('a'));
    await expect(rec.settle()).resolves.toBeUndefined();
    expect(writes).toHaveLength(1);
  });
});
