// When DynamoDB cannot be reached: fail closed with 503 by default (nothing goes upstream), or, with
// OP_STORE_FAILURE_MODE=open, serve unmetered and say so on the response. Never a silent pass.
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../../lambda/config';
import { settlementsDone } from '../../lambda/core/lifecycle';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

let dynamo: LocalDynamo | undefined;
let t: TestGateway | undefined;

afterEach(async () => {
  await t?.close();
  await dynamo?.close();
});

/** A gateway whose store goes away after one successful request (which also caches its key). */
async function gatewayLosingItsStore(env: Env): Promise<{ t: TestGateway; proxy: TcpProxy }> {
  dynamo = await startDynalite();
  const proxy = await startTcpProxy(dynamo.endpoint);
  t = await startTestGateway({ dynamoEndpoint: proxy.url, env });
  await t.client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'warm up' }] });
  await settlementsDone();
  await proxy.refuse();
  t.gw.simulator?.reset();
  return { t, proxy };
}

describe('DynamoDB unreachable', () => {
  it('fails closed by default: 503, and the request is not sent to any model', async () => {
    const { t } = await gatewayLosingItsStore({});
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('limits_unavailable');
    expect(t.gw.simulator?.stats('openai').requests).toBe(0);
  });

  it('serves unmetered with OP_STORE_FAILURE_MODE=open, marked on the response', async () => {
    const { t } = await gatewayLosingItsStore({ OP_STORE_FAILURE_MODE: 'open' });
    const { data, response } = await t.client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-op-limits')).toBe('unmetered');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBeNull();
  });

  it('answers 503 (never 401 or 500) for a key it has not cached yet, in either mode', async () => {
    for (const mode of ['closed', 'open']) {
      const { t: g } = await gatewayLosingItsStore({ OP_STORE_FAILURE_MODE: mode });
      g.gw.deps.auth.forget();
      const err = await g.client.models.list().catch((e: unknown) => e);
      expect(err, mode).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status, mode).toBe(503);
      expect((err as InstanceType<typeof OpenAI.APIError>).code, mode).toBe('auth_unavailable');
      await g.close();
      await dynamo?.close();
      t = undefined;
      dynamo = undefined;
    }
  });
});
