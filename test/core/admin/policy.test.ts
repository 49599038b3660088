import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../../../lambda/wire/errors';
import {
  assertAllowlistAllowed,
  assertCanAddKey,
  liveKeys,
  overQuotaNotice,
  retireForRotation,
} from '../../../lambda/core/admin/policy';
import type { AccountRecord, KeyRecord, Plan } from '../../../lambda/core/records';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const account = (plan: Plan): AccountRecord => ({ accountId: 'acct_0123456789abcdef', name: 'Acme', plan, createdAt: iso(NOW) });
const key = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  keyId: 'key_0123456789abcdef',
  accountId: 'acct_0123456789abcdef',
  hash: 'h',
  label: 'ci',
  hint: 'op_abcd…wxyz',
  status: 'active',
  createdAt: iso(NOW - 1000),
  ...over,
});

function denial(fn: () => void): PermissionDeniedError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermissionDeniedError);
    return err as PermissionDeniedError;
  }
  throw new Error('expected a 403');
}

describe('key quota', () => {
  it('counts active, unexpired keys only; a key in its rotation grace still counts', () => {
    const keys = [
      key(),
      key({ status: 'revoked' }),
      key({ expiresAt: iso(NOW) }),
      key({ expiresAt: iso(NOW + 1) }),
    ];
    expect(liveKeys(keys, NOW)).toHaveLength(2);
  });

  it.each([
    ['free', 3],
    ['pro', 25],
  ] as const)('%s: %i keys allowed, one more is a 403 naming the plan and the quota', (plan, quota) => {
    expect(() => assertCanAddKey(account(plan), quota - 1)).not.toThrow();
    const err = denial(() => assertCanAddKey(account(plan), quota));
    expect(err.code).toBe('key_quota_exceeded');
    expect(err.message).toContain(`${plan} plan allows at most ${quota} active API keys`);
  });

  it('enterprise has no quota', () => {
    expect(() => assertCanAddKey(account('enterprise'), 100_000)).not.toThrow();
    expect(overQuotaNotice(account('enterprise'), 100_000)).toBeUndefined();
  });

  it('after a downgrade over quota, says keys are kept and new ones blocked until under', () => {
    expect(overQuotaNotice(account('free'), 3)).toBeUndefined();
    const notice = overQuotaNotice(account('free'), 5);
    expect(notice).toContain('5 active API keys, more than the free plan\'s quota of 3');
    expect(notice).toContain('Existing keys keep working');
    expect(notice).toContain('revoke 3 to add one');
    expect(denial(() => assertCanAddKey(account('free'), 5)).message).toBe(notice);
  });
});

describe('IP allowlists by plan', () => {
  it('free accounts may not set one (403 saying so); clearing is always fine', () => {
    const err = denial(() => assertAllowlistAllowed(account('free'), ['10.0.0.0/8']));
    expect(err.code).toBe('ip_allowlist_not_available');
    expect(err.message).toContain('pro and enterprise plans');
    expect(err.message).toContain('free plan');
    expect(() => assertAllowlistAllowed(account('free'), [])).not.toThrow();
    expect(() => assertAllowlistAllowed(account('free'), null)).not.toThrow();
    expect(() => assertAllowlistAllowed(account('pro'), ['10.0.0.0/8'])).not.toThrow();
    expect(() => assertAllowlistAllowed(account('enterprise'), ['::1'])).not.toThrow();
  });
});

describe('rotation', () => {
  it('without grace revokes the old key at once and links it to its replacement', () => {
    const old = retireForRotation(key(), 'key_new0000000000000', NOW, 0);
    expect(old).toMatchObject({ status: 'revoked', revokedAt: iso(NOW), replacedBy: 'key_new0000000000000' });
  });

  it('with grace lets the old key live exactly that long', () => {
    const old = retireForRotation(key(), 'key_new0000000000000', NOW, 3600);
    expect(old).toMatchObject({ status: 'active', expiresAt: iso(NOW + 3_600_000) });
    expect(liveKeys([old], NOW + 3_599_999)).toHaveLength(1);
    expect(liveKeys([old], NOW + 3_600_000)).toHaveLength(0);
  });

  it('never extends a key that would have expired sooner anyway', () => {
    const old = retireForRotation(key({ expiresAt: iso(NOW + 60_000) }), 'key_new0000000000000', NOW, 86_400);
    expect(old.expiresAt).toBe(iso(NOW + 60_000));
  });
});
