// The key cache under a flood of bad keys: a key that authenticated stays cached (no store read) however
// many unique unknown keys arrive, and bad keys are cached too, so repeating one reads nothing.
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
});
