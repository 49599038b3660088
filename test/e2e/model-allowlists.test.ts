// Per-key and per-account model allowlists, seen through the official SDKs in all three dialects: refusals
// naming the model (aliases and dated ids included), `auto` and its fallback confined to the allowed set,
// and the models list showing only what the key may use.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, rejection, sdk, type AccountOut } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

let t: TestGateway;
let admin: ReturnType<typeof adminClient>;
let account: AccountOut;
/** Key list ∩ account list = { claude-sonnet-4, deepseek-chat }. */
let openai: OpenAI;
let claude: Anthropic;
const ALLOWED = ['claude-sonnet-4', 'deepseek-chat'];

const hi = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  t = await startTestGateway();
  admin = adminClient(t.gw);
  account = await admin.createAccount('Scoped', 'pro', { allowed_models: ['claude-*', 'deepseek-*', 'gpt-5-mini'] });
  // An alias is stored as the id it names.
  const key = await admin.createKey(account.id, { label: 'scoped', allowed_models: ['claude-sonnet-4-20250514', 'deepseek-chat', 'gpt-5'] });
  expect(key.allowed_models).toEqual(['claude-sonnet-4', 'deepseek-chat', 'gpt-5']);
  openai = sdk(t.gw, key.secret!);
  claude = new Anthropic({ baseURL: t.gw.url, apiKey: key.secret!, maxRetries: 0 });
});
afterAll(async () => {
  await t?.close();
});

describe('refusals', () => {
  it('refuses a model outside the key list, or outside the account list, in Chat Completions with 403 model_not_allowed', async () => {
    // gpt-4.1: in neither list; gpt-5: in the key's list but not the account's; gpt-5-mini: the account's only.
    for (const model of ['gpt-4.1', 'gpt-5', 'gpt-5-mini']) {
      const r = await rejection(openai.chat.completions.create({ model, messages: hi }));
      expect(r.error, model).toBeInstanceOf(OpenAI.PermissionDeniedError);
      expect(r).toMatchObject({ status: 403, code: 'model_not_allowed' });
      expect(r.message).toContain(`'${model}'`);
    }
  });

  it('resolves aliases and dated ids before the check, so none gets around it', async () => {
    const dated = await rejection(openai.chat.completions.create({ model: 'gpt-5-2025-08-07', messages: hi }));
    expect(dated).toMatchObject({ status: 403, code: 'model_not_allowed' });
    expect(dated.message).toContain("'gpt-5-2025-08-07' (gpt-5)");
    // claude-3-5-haiku ids name claude-haiku-4.5: in the account's claude-*, not in the key's list.
    const haiku = await rejection(openai.chat.completions.create({ model: 'claude-3-5-haiku-20241022', messages: hi }));
    expect(haiku).toMatchObject({ status: 403, code: 'model_not_allowed' });
    // An allowed model by its dated id works.
    const ok = await openai.chat.completions.create({ model: 'claude-sonnet-4-20250514', messages: hi });
    expect(ok.model).toBe('claude-sonnet-4');
  });

  it('refuses in the Responses API the same way', async () => {
    const r = await rejection(openai.responses.create({ model: 'gpt-5-mini', input: 'hi' }));
    expect(r.error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(r).toMatchObject({ status: 403, code: 'model_not_allowed' });
    const ok = await openai.responses.create({ model: 'deepseek-chat', input: 'hi' });
    expect(ok.model).toBe('deepseek-chat');
  });

  it('refuses in the Messages API with permission_error, and does not count tokens on a model it may not use', async () => {
    const err = await claude.messages.create({ model: 'claude-opus-4-1-20250805', max_tokens: 64, messages: hi }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({ type: 'error', error: { type: 'permission_error', message: expect.stringContaining('claude-opus-4.1') } });
    const counted = await claude.messages.countTokens({ model: 'claude-opus-4-1-20250805', messages: hi }).catch((e: unknown) => e);
    expect(counted).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const ok = await claude.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: hi });
    expect(ok.model).toBe('claude-sonnet-4');
  });
});

describe('auto and fallback', () => {
  it('ranks only allowed models for auto, in every routing mode', async () => {
    for (const routing of ['quality', 'cost', 'speed']) {
      const { data, response } = await openai.chat.completions.create({ model: 'auto', routing, messages: hi } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming).withResponse();
      expect(ALLOWED, routing).toContain(data.model);
      expect(response.headers.get('x-op-routing-reason')).toMatch(/of 2 capable/);
    }
  });

  it('falls back only within the allowed set', async () => {
    // The best allowed model's both routes fail: the next allowed model serves, no other is tried.
    t.gw.simulator?.configure('anthropic', { fault: { kind: 'status', status: 503, times: 1 } });
    t.gw.simulator?.configure('bedrock', { fault: { kind: 'status', status: 503, times: 1 } });
    const { data, response } = await openai.chat.completions.create({ model: 'auto', routing: 'quality', messages: hi } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming).withResponse();
    expect(data.model).toBe('deepseek-chat');
    const tried = response.headers.get('x-op-attempts')!.split(', ').map((a) => a.split('/')[1]!.split('=')[0]);
    expect(tried).toEqual(['claude-sonnet-4', 'claude-sonnet-4', 'deepseek-chat']);
  });

  it('answers 400 no_capable_model when the lists leave nothing for auto', async () => {
    const key = await admin.createKey(account.id, { allowed_models: ['gpt-5'] });
    const r = await rejection(sdk(t.gw, key.secret!).chat.completions.create({ model: 'auto', messages: hi }));
    expect(r).toMatchObject({ status: 400, code: 'no_capable_model' });
    expect(r.message).toContain("16 not in this key's allowed_models");
  });
});

describe('models list', () => {
  it('shows only the models the key may use, and 404 for the others', async () => {
    const listed = await openai.models.list();
    expect(listed.data.map((m) => m.id).sort()).toEqual(ALLOWED);
    expect((await openai.models.retrieve('claude-sonnet-4-20250514')).id).toBe('claude-sonnet-4');
    const hidden = await rejection(openai.models.retrieve('gpt-5-mini'));
    expect(hidden).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('shows every model again once the lists are cleared (within the key cache bound)', async () => {
    const open = await admin.createKey(account.id, {});
    await admin.ok('PATCH', `/admin/accounts/${account.id}`, { allowed_models: null });
    const ids = (await sdk(t.gw, open.secret!).models.list()).data.map((m) => m.id);
    expect(ids).toHaveLength(16);
  });
});

describe('admin API', () => {
  it('refuses a bad list naming the entry, and stores nothing', async () => {
    const before = await admin.listKeys(account.id);
    const r = await admin.call<{ error: { param: string; code: string } }>('POST', `/admin/accounts/${account.id}/keys`, { allowed_models: ['gpt-5', 'gpt-6'] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'allowed_models[1]', code: 'model_not_found' });
    expect(await admin.listKeys(account.id)).toEqual(before);
  });
});
