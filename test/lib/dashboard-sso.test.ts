// Enterprise single sign-on as a stack property: identity providers, the pool's domain and the app client's
// OAuth settings appear only when asked for, point back at the dashboard's own page, and cdk-nag stays clean.
import { describe, expect, it } from 'vitest';
import { idOf, synth } from '../helpers/synth';

const sso = synth(
  {
    identityProviders: {
      domainPrefix: 'acme-gateway',
      oidc: [{ name: 'Okta', clientId: 'okta-client', clientSecret: 'placeholder', issuerUrl: 'https://acme.okta.com' }],
      saml: [{ name: 'Entra', metadataUrl: 'https://login.microsoftonline.com/acme/federationmetadata.xml' }],
    },
  },
  'Sso',
);
const plain = synth({}, 'Plain');

const props = (s: typeof sso, type: string) => Object.values(s.json.Resources).filter((r) => r.Type === type).map((r) => r.Properties!);

describe('single sign-on', () => {
  it('adds the OIDC and SAML providers, with e-mail (and for OIDC its verified flag) mapped', () => {
    const providers = props(sso, 'AWS::Cognito::UserPoolIdentityProvider');
    expect(providers.map((p) => [p.ProviderName, p.ProviderType]).sort()).toEqual([
      ['Entra', 'SAML'],
      ['Okta', 'OIDC'],
    ]);
    expect(providers.find((p) => p.ProviderName === 'Okta')!.AttributeMapping).toEqual({ email: 'email', email_verified: 'email_verified' });
    expect(props(sso, 'AWS::Cognito::UserPoolDomain')[0]).toMatchObject({ Domain: 'acme-gateway' });
  });

  it('lets the app client use the code grant back to the dashboard page only, with the providers and the pool itself', () => {
    const clientId = idOf(sso.stack, sso.stack.dashboard.client);
    const client = sso.json.Resources[clientId]!;
    expect(client.Properties).toMatchObject({ AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid', 'email', 'profile'] });
    expect((client.Properties!.SupportedIdentityProviders as string[]).sort()).toEqual(['COGNITO', 'Entra', 'Okta']);
    const distribution = idOf(sso.stack, sso.stack.dashboard.distribution);
    expect(client.Properties!.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, '/']] }]);
    // The client is created after the providers it names.
    expect(JSON.stringify((client as { DependsOn?: string[] }).DependsOn)).toMatch(/Okta/);
    expect(JSON.stringify((client as { DependsOn?: string[] }).DependsOn)).toMatch(/Entra/);
  });

  it('lets the page reach the pool domain for the token exchange, and tells the dashboard function whom to trust', () => {
    const policy = props(sso, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } };
    expect(JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)).toContain('https://');
    expect(JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)).toContain('.auth.');
    const env = sso.json.Resources[idOf(sso.stack, sso.stack.dashboardFn.function)]!.Properties!.Environment as { Variables: Record<string, unknown> };
    expect(env.Variables.OP_COGNITO_FEDERATED).toBe('Okta,Entra');
  });

  it('keeps the OAuth endpoints off, and no domain, without identity providers', () => {
    const client = plain.json.Resources[idOf(plain.stack, plain.stack.dashboard.client)]!.Properties!;
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client.CallbackURLs).toBeUndefined();
    expect(props(plain, 'AWS::Cognito::UserPoolDomain')).toEqual([]);
    expect(props(plain, 'AWS::Cognito::UserPoolIdentityProvider')).toEqual([]);
  });
});
