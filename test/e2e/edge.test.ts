// What sits in front of /v1 in AWS, as the local runtime emulates it: the function URL's CORS (a browser's
// preflight for the official SDKs' headers, the rate-limit headers readable), and the CloudFront front's
// origin check (a request that bypasses CloudFront is refused before any DynamoDB read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS } from '../../lambda/wire/cors';
import { ORIGIN_HEADER } from '../../lambda/wire/edge';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let fronted: TestGateway;
const SECRET = 'origin-secret-for-tests-0123456789';

beforeAll(async () => {
  [t, fronted] = await Promise.all([startTestGateway(), startTestGateway({ env: { OP_ORIGIN_SECRET: SECRET } })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), fronted?.close()]);
});

describe('CORS', () => {
  it("answers a browser's preflight for the OpenAI and Anthropic SDKs' headers", async () => {
    const sdkHeaders = ['authorization', 'content-type', 'x-stainless-os', 'x-stainless-lang', 'x-stainless-package-version', 'x-stainless-retry-count', 'x-stainless-timeout', 'anthropic-version', 'anthropic-dangerous-direct-browser-access', 'x-api-key'];
    for (const path of ['/v1/chat/completions', '/v1/messages']) {
      const res = await fetch(`${t.gw.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': sdkHeaders.join(',') },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const allowed = res.headers.get('access-control-allow-headers')!.split(',');
      for (const h of sdkHeaders) expect(allowed, h).toContain(h);
      expect(res.headers.get('access-control-allow-methods')!.split(',')).toEqual(expect.arrayContaining(['POST', 'GET', 'DELETE']));
    }
  });

  it('lets a browser read the rate-limit, request id and routing headers of an answer', async () => {
    const res = await fetch(`${t.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com', authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const exposed = res.headers.get('access-control-expose-headers')!.split(',');
    for (const h of ['x-ratelimit-remaining-requests', 'x-ratelimit-reset-tokens', 'retry-after', 'x-request-id', 'x-op-routing-used']) expect(exposed).toContain(h);
    for (const h of exposed.filter((x) => /^x-ratelimit-\w+-(requests|tokens)$/.test(x) || x === 'x-op-routing-used')) expect(res.headers.get(h), h).not.toBeNull();
    // And the other way round: every limit or gateway header the answer carries is one a browser may read.
    for (const [h] of res.headers) if (/^x-(ratelimit|op|budget)-/.test(h)) expect(exposed, h).toContain(h);
    expect(CORS.exposeHeaders.length).toBe(exposed.length);
  });
});

describe('behind the CloudFront front', () => {
  const ask = (headers: Record<string, string>) =>
    fetch(`${fronted.gw.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fronted.gw.apiKey}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('refuses a request without the origin header, or with a wrong one, before any DynamoDB read', async () => {
    for (const headers of [{}, { [ORIGIN_HEADER]: 'guess' }, { [ORIGIN_HEADER]: `${SECRET}x` }] as Array<Record<string, string>>) {
      fronted.gw.deps.store.requests!.reset();
      const res = await ask(headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'origin_not_allowed' } });
      expect(fronted.gw.deps.store.requests!.snapshot()).toEqual({});
    }
  });

  it('serves a request that came through it', async () => {
    const res = await ask({ [ORIGIN_HEADER]: SECRET });
    expect(res.status).toBe(200);
  });
});
