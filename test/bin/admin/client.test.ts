// The CLI's HTTP client against a stand-in server: SigV4 signatures that verify, and API Gateway's own
// error answers turned into messages an operator can act on.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminClient } from '../../../bin/admin/client';
import { CliError } from '../../../bin/admin/errors';
import { NodeSha256, regionOf } from '../../../bin/admin/signing';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  reply = { status: 200, body: '{"object":"list","data":[]}' };
});

/** Recomputes the signature the way API Gateway does, from what arrived. */
async function verify(request: Seen, region: string): Promise<void> {
  const auth = String(request.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedNames) headers[name] = String(request.headers[name]);
  const url = new URL(request.url, 'http://x');
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const amzDate = String(request.headers['x-amz-date']);
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [hostname, port] = headers.host!.split(':');
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256 });
  const expected = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: hostname!, port: Number(port), path: url.pathname, query, headers, ...(request.body ? { body: request.body } : {}) },
    { signingDate },
  );
  expect(auth).toBe(expected.headers.authorization);
  expect(auth).toContain(`/${region}/execute-api/aws4_request`);
}

describe('SigV4', () => {
  it('signs GET and POST requests (path, query, body) for execute-api in the given region', async () => {
    const client = new AdminClient({ endpoint, region: 'eu-west-1', credentials });
    await client.call('GET', '/admin/accounts?limit=2&after=abc');
    reply = { status: 200, body: '{"id":"acct_x"}' };
    await client.call('POST', '/admin/accounts', { name: 'Signed', plan: 'pro' });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.url).toBe('/prod/admin/accounts?limit=2&after=abc');
    expect(seen[1]!.body).toBe('{"name":"Signed","plan":"pro"}');
    for (const request of seen) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
      await verify(request, 'eu-west-1');
    }
  });

  it('takes the region from an execute-api host name', () => {
    expect(regionOf(new URL('https://a1b2c3.execute-api.ap-southeast-2.amazonaws.com/prod/'), 'us-east-1')).toBe('ap-southeast-2');
    expect(regionOf(new URL('http://127.0.0.1:8787'), 'eu-central-1')).toBe('eu-central-1');
  });

  it('sends the admin token instead when one is given', async () => {
    await new AdminClient({ endpoint, token: 'opadm_x' }).call('GET', '/admin/accounts');
    expect(seen[0]!.headers.authorization).toBe('Bearer opadm_x');
    expect(seen[0]!.headers['x-amz-date']).toBeUndefined();
  });
});

describe('API Gateway answers', () => {
  async function failure(status: number, body: string): Promise<string> {
    reply = { status, body };
    const err = await new AdminClient({ endpoint, region: 'us-east-1', credentials }).call('GET', '/admin/accounts').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    return (err as CliError).message;
  }

  it('an IAM denial says which permission is missing', async () => {
    const message = await failure(403, '{"message":"User: arn:aws:iam::123456789012:user/ops is not authorized to perform: execute-api:Invoke"}');
    expect(message).toContain('Error 403 from API Gateway: User: arn:aws:iam::123456789012:user/ops is not authorized');
    expect(message).toContain('execute-api:Invoke');
  });

  it('a route API Gateway does not know points at the AdminApiUrl', async () => {
    const message = await failure(403, '{"message":"Missing Authentication Token"}');
    expect(message).toContain('AdminApiUrl');
  });

  it('an OpenAI-style error keeps its message, code and param', async () => {
    const message = await failure(400, '{"error":{"message":"\'name\' must be a string.","type":"invalid_request_error","param":"name","code":"invalid_type"}}');
    expect(message).toBe("Error 400 (invalid_type): 'name' must be a string.\n  param: name");
  });

  it('a 200 that is not JSON is not this API', async () => {
    const message = await failure(200, '<html></html>');
    expect(message).toContain('did not answer like the OriginalPoint admin API (HTTP 200)');
  });
});
