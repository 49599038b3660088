// Whose address the dashboard accepts, once a token's signature, issuer, audience and expiry have verified:
// the pool's own verification, or an assertion by one of the pool's federated providers; nothing else.
import { describe, expect, it } from 'vitest';
import { verifiedUser } from '../../lambda/handlers/dashboard';

const base = { sub: '5f0c-user', email: 'Dana@Example.com' };

describe('verifiedUser', () => {
  it('accepts an address the pool verified, in lower case', () => {
    expect(verifiedUser({ ...base, email_verified: true }, [])).toEqual({ sub: '5f0c-user', email: 'dana@example.com' });
    // Cognito sends the flag as a string when an identity provider's mapping sets it.
    expect(verifiedUser({ ...base, email_verified: 'true' }, [])).toEqual({ sub: '5f0c-user', email: 'dana@example.com' });
  });

  it('accepts an address one of the pool\'s federated providers asserted (SAML asserts no flag)', () => {
    const identities = [{ providerName: 'Entra', providerType: 'SAML', userId: 'dana', primary: 'true' }];
    expect(verifiedUser({ ...base, identities }, ['Okta', 'Entra']).email).toBe('dana@example.com');
  });

  it('refuses an unverified address, and a provider the operator did not configure', () => {
    expect(() => verifiedUser({ ...base, email_verified: false }, ['Entra'])).toThrow(/not verified/);
    expect(() => verifiedUser({ ...base, identities: [{ providerName: 'Elsewhere' }] }, ['Entra'])).toThrow(/not verified/);
    expect(() => verifiedUser({ ...base, identities: 'Entra' }, ['Entra'])).toThrow(/not verified/);
  });

  it('refuses a token that names no user', () => {
    expect(() => verifiedUser({ email: 'x@example.com', email_verified: true }, [])).toThrow(/names no user/);
    expect(() => verifiedUser({ sub: 'a', email_verified: true }, [])).toThrow(/names no user/);
  });
});
