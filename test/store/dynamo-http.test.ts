// The lean DynamoDB transport every store uses: its SigV4 signature is the SDK signer's, values
// round-trip through DynamoDB unchanged, a refused condition is a ConditionalCheckFailedException,
// and other failures name DynamoDB's error type.
import { ConditionalCheckFailedException } from '../../lambda/store/dynamo-http';
import { GetCommand } from '../../lambda/store/document';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../bin/admin/signing';
import { loadConfig } from '../../lambda/config';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createDocumentClient } from '../../lambda/store/dynamo';
import { DynamoHttp, marshallItem, numbersOf, type Credentials } from '../../lambda/store/dynamo-http';

const CREDENTIALS: Credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('signing', () => {
  it.each([
    ['long-term credentials', CREDENTIALS],
    ['a session token', { ...CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE' }],
  ])("signs as the SDK's SigV4 signer does, with %s", async (_name, credentials) => {
    const http = new DynamoHttp({ region: 'eu-west-1', credentials: async () => credentials, connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000 });
    const body = JSON.stringify({ TableName: 't', Key: { pk: { S: 'a' } } });
    // The SDK's signer without its optional payload-hash header (only S3 requires it): the same header set.
    const signer = new SignatureV4({ service: 'dynamodb', region: 'eu-west-1', credentials, sha256: NodeSha256, applyChecksum: false });
    // Two days: the cached signing key must follow the date.
    for (const now of [new Date(Date.UTC(2026, 0, 15, 12, 34, 56)), new Date(Date.UTC(2026, 0, 16, 0, 0, 1))]) {
      const ours = http.sign('UpdateItem', body, credentials, now);
      const { authorization, ...unsigned } = ours;
      const sdk = await signer.sign({ method: 'POST', protocol: 'https:', hostname: 'dynamodb.eu-west-1.amazonaws.com', path: '/', headers: unsigned, body }, { signingDate: now });
      expect(authorization).toBe(sdk.headers.authorization);
      expect(ours.host).toBe('dynamodb.eu-west-1.amazonaws.com');
    }
    http.destroy();
  });
});

describe('against dynalite', () => {
  let dynamo: LocalDynamo;
  let http: DynamoHttp;
  const sent: string[] = [];
  beforeAll(async () => {
    dynamo = await startDynalite();
    await ensureTables(loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint }));
    http = new DynamoHttp({
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 3_000,
      onSend: (operation) => sent.push(operation),
    });
  });
  afterAll(async () => {
    http?.destroy();
    await dynamo?.close();
  });

  it('writes items the document client reads back unchanged, and returns updated numbers', async () => {
    const item = { pk: 'p', sk: 'record', text: 'héllo', count: 42, ratio: 0.25, ok: true, none: null, skipped: undefined };
    await http.send('PutItem', { TableName: 'op-usage', Item: marshallItem(item) });
    const doc = createDocumentClient({ dynamoEndpoint: dynamo.endpoint, region: 'us-east-1' });
    const { Item } = await doc.send(new GetCommand({ TableName: 'op-usage', Key: { pk: 'p', sk: 'record' } }));
    const { skipped: _skipped, ...stored } = item;
    expect(Item).toEqual(stored);
    doc.destroy();
    const out = await http.send<{ Attributes?: Record<string, Record<string, unknown>> }>('UpdateItem', {
      TableName: 'op-usage',
      Key: { pk: { S: 'p' }, sk: { S: 'record' } },
      UpdateExpression: 'ADD #c :n',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':n': { N: '-2' } },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(numbersOf(out.Attributes)).toEqual({ count: 40 });
    expect(sent).toEqual(['PutItem', 'UpdateItem']);
  });

  it("raises a refused condition as the SDK's ConditionalCheckFailedException", async () => {
    const put = () => http.send('PutItem', { TableName: 'op-usage', Item: marshallItem({ pk: 'p', sk: 'once' }), ConditionExpression: 'attribute_not_exists(pk)' });
    await put();
    await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it("names DynamoDB's error type for any other failure", async () => {
    await expect(http.send('PutItem', { TableName: 'op-missing', Item: marshallItem({ pk: 'p', sk: 's' }) })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      statusCode: 400,
    });
  });

  it('fails fast when DynamoDB cannot be reached', async () => {
    const closed = new DynamoHttp({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1_000,
    });
    const began = Date.now();
    await expect(closed.send('PutItem', { TableName: 'op-usage', Item: {} })).rejects.toThrow();
    expect(Date.now() - began).toBeLessThan(1_500);
    closed.destroy();
  });
});

describe('pooled connections', () => {
  /** A server that drops a connection, unanswered, when the connection's `dropAt`-th request arrives. */
  async function dropping(dropAt: number): Promise<{ server: Server; http: DynamoHttp; seen: () => number }> {
    let seen = 0;
    const perSocket = new WeakMap<object, number>();
    const server = createServer((req, res) => {
      seen++;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      req.resume();
      req.on('end', () => (n === dropAt ? req.socket.destroy() : res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const http = new DynamoHttp({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
    });
    return { server, http, seen: () => seen };
  }
  const put = (http: DynamoHttp) => http.send('PutItem', { TableName: 't', Item: {} });

  it('sends a request again, once, on a new connection when a reused one turns out closed', async () => {
    const { server, http, seen } = await dropping(2);
    await put(http);
    await expect(put(http)).resolves.toEqual({});
    expect(seen()).toBe(3);
    http.destroy();
    server.close();
  });

  it('does not send again when a new connection fails: the server may have acted on the request', async () => {
    const { server, http, seen } = await dropping(1);
    await expect(put(http)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(seen()).toBe(1);
    http.destroy();
    server.close();
  });
});

describe('throttling and transient failures', () => {
  /** A server answering each request with the next scripted error type (then success), counting requests. */
  async function scripted(script: string[]): Promise<{ server: Server; http: DynamoHttp; seen: () => number }> {
    let seen = 0;
    const server = createServer((req, res) => {
      const error = script[seen++];
      req.resume();
      req.on('end', () => {
        if (!error) return res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"ConsumedCapacity":{"CapacityUnits":1}}');
        res.writeHead(error === 'ServiceUnavailable' ? 503 : error === 'InternalServerError' ? 500 : 400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error}`, message: 'scripted' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const http = new DynamoHttp({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local' }),
      connectionTimeoutMs: 1_000,
      requestTimeoutMs: 2_000,
      retryBudgetMs: 1_000,
      random: () => 0.5,
    });
    return { server, http, seen: () => seen };
  }

  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'ServiceUnavailable'])('sends a write again after %s, with backoff, until it lands', async (error) => {
    const { server, http, seen } = await scripted([error, error]);
    await expect(http.send('UpdateItem', { TableName: 't', Key: {} })).resolves.toMatchObject({ ConsumedCapacity: { CapacityUnits: 1 } });
    expect(seen()).toBe(3);
    http.destroy();
    server.close();
  });

  it('gives up once the retry budget is spent, naming the throttle', async () => {
    const { server, http } = await scripted(Array.from({ length: 100 }, () => 'ThrottlingException'));
    const began = Date.now();
    await expect(http.send('UpdateItem', { TableName: 't', Key: {} })).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(Date.now() - began).toBeLessThan(1_500);
    http.destroy();
    server.close();
  });

  it('never sends a write again after an InternalServerError (it may have landed), but does a read', async () => {
    const write = await scripted(['InternalServerError']);
    await expect(write.http.send('UpdateItem', { TableName: 't', Key: {} })).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(write.seen()).toBe(1);
    const read = await scripted(['InternalServerError']);
    await expect(read.http.send('GetItem', { TableName: 't', Key: {} })).resolves.toBeDefined();
    expect(read.seen()).toBe(2);
    for (const s of [write, read]) {
      s.http.destroy();
      s.server.close();
    }
  });
});
