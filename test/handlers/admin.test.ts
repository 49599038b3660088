// The admin Lambda as API Gateway invokes it: REST proxy events with the IAM caller in the request context.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { SEED_MODELS } from '../../lambda/core/catalog';
import { CatalogSource } from '../../lambda/core/catalog/source';
import { ManualClock } from '../../lambda/core/clock';
import type { Store } from '../../lambda/core/records';
import { createAdminHandler, type AdminLambda } from '../../lambda/handlers/admin';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { lambdaContext } from '../../lambda/local/runtime';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createStore } from '../../lambda/store/dynamo';

const ARN = 'arn:aws:iam::123456789012:user/ops';
const clock = new ManualClock();
let dynamo: LocalDynamo;
let store: Store;
let handler: AdminLambda;

function event(method: string, path: string, body?: string, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    resource: '/admin/{proxy+}',
    path,
    httpMethod: method,
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.replace(/^\/admin\//, '') },
    stageVariables: null,
    body: body ?? null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '198.51.100.7', userArn: ARN } } as unknown as APIGatewayProxyEvent['requestContext'],
    ...extra,
  };
}

const context = (): Context => lambdaContext('op-admin', 30_000);

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = createStore(config);
  handler = createAdminHandler(async () => ({ store, clock, catalog: new CatalogSource(store.catalog, clock, 30_000, SEED_MODELS) }));
});
afterAll(async () => {
  await dynamo?.close();
});

describe('admin handler', () => {
  it('answers JSON, and records the IAM caller as the actor of the change', async () => {
    const ctx = context();
    const res = await handler(event('POST', '/admin/accounts', '{"name":"Acme","plan":"pro"}'), ctx);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store', 'x-request-id': ctx.awsRequestId });
    const account = JSON.parse(res.body) as { id: string };
    const [entry] = (await store.audit.listDay(new Date(clock.now()).toISOString().slice(0, 10))).filter((e) => e.accountId === account.id);
    expect(entry).toMatchObject({ actor: ARN, action: 'account.create', requestId: ctx.awsRequestId, fields: ['name', 'plan'] });
  });

  it('reads base64 bodies, which API Gateway sends for binary media types', async () => {
    const body = Buffer.from('{"name":"Encoded"}').toString('base64');
    const res = await handler(event('POST', '/admin/accounts', body, { isBase64Encoded: true }), context());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ name: 'Encoded', plan: 'free' });
  });

  it('renders every failure in the OpenAI error shape through the one error renderer', async () => {
    const bad = await handler(event('POST', '/admin/accounts', '{"name": 1}'), context());
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      error: { message: "'name' must be a string.", type: 'invalid_request_error', param: 'name', code: 'invalid_type' },
    });
    const big = await handler(event('POST', '/admin/accounts', `{"name":"${'x'.repeat(65 * 1024)}"}`), context());
    expect(big.statusCode).toBe(413);
    const wrongMethod = await handler(event('PUT', '/admin/keys/key_0000000000000000'), context());
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers?.allow).toBe('GET, PATCH, DELETE');
  });

  it('hides internal failures behind a 500 that leaks nothing', async () => {
    const broken = createAdminHandler(async () => {
      throw new Error('secret connection string');
    });
    const res = await broken(event('GET', '/admin/accounts'), context());
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret connection string');
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'server_error' } });
  });
});
