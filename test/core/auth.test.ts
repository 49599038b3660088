// The key cache under a flood of bad keys: a key that authenticated stays cached (no store read) however
// many unique unknown keys arrive, and bad keys are cached too, so repeating one reads nothing. A key in use
// is read again in the background before its entry expires, and a revocation still lands within the bound.
import { describe, expect, it } from 'vitest';
import { createAccount, issueKey } from '../../lambda/core/accounts';
import { KeyAuthenticator } from '../../lambda/core/auth';
import { ManualClock } from '../../lambda/core/clock';
import { generateApiKey } from '../../lambda/core/keys';
import { useStore } from '../helpers/store';

const db = useStore();

describe('KeyAuthenticator', () => {
  it('keeps a good key cached through a flood of unique unknown keys larger than the cache of bad keys', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15));
    const auth = new KeyAuthenticator(db.store.keys, clock, 10_000, { known: 10, refused: 50 });
    const account = await createAccount(db.store.keys, { name: 'flood', plan: 'pro' }, clock);
    const { secret } = await issueKey(db.store.keys, account.accountId, { label: 'good' }, clock);
    await auth.authenticate(secret, '203.0.113.7');
    for (let i = 0; i < 200; i++) await expect(auth.authenticate(generateApiKey(), '198.51.100.1')).rejects.toMatchObject({ status: 401 });
    db.store.requests!.reset();
    await auth.authenticate(secret, '203.0.113.7');
    expect(db.store.requests!.snapshot()).toEqual({});
    await auth.settle();
  });

  it('answers a repeated bad key from the cache, within the cache bound', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15));
    const auth = new KeyAuthenticator(db.store.keys, clock, 10_000);
    const bad = generateApiKey();
    await expect(auth.authenticate(bad, '198.51.100.1')).rejects.toMatchObject({ status: 401 });
    db.store.requests!.reset();
    await expect(auth.authenticate(bad, '198.51.100.1')).rejects.toMatchObject({ status: 401 });
    expect(db.store.requests!.snapshot()).toEqual({});
    clock.advance(10_001);
    await expect(auth.authenticate(bad, '198.51.100.1')).rejects.toMatchObject({ status: 401 });
    expect(db.store.requests!.snapshot()['dynamodb.GetItemCommand']).toBe(2);
  });

  it('reads a busy key again in the background, so no request waits on it, and still sees a revocation within the bound', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 15));
    const auth = new KeyAuthenticator(db.store.keys, clock, 10_000);
    const account = await createAccount(db.store.keys, { name: 'busy', plan: 'pro' }, clock);
    const { secret, record } = await issueKey(db.store.keys, account.accountId, { label: 'busy' }, clock);
    await auth.authenticate(secret, '203.0.113.7');
    await auth.settle();
    // Revoked one second in; seven and a half seconds in, the request is still served from the cache and starts a read.
    clock.advance(1_000);
    expect(await db.store.keys.updateKey({ ...record, status: 'revoked' })).toBe(true);
    clock.advance(6_500);
    db.store.requests!.reset();
    await expect(auth.authenticate(secret, '203.0.113.7')).resolves.toMatchObject({ key: { keyId: record.keyId } });
    // The background read lands: the next request is refused well inside the 10 s bound, with no read of its own.
    await expect.poll(async () => (await auth.authenticate(secret, '203.0.113.7').then(() => 'served', (e: { status: number }) => e.status))).toBe(401);
    expect(db.store.requests!.snapshot()['dynamodb.GetItemCommand']).toBe(2);
    expect(clock.now() - Date.UTC(2026, 0, 15)).toBeLessThan(10_000);
  });
});
