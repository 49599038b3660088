// The catalog as operator data, through the admin API and the official SDK against the local gateway: the
// seed as the default, a model added with one route and used, a reprice seen in the next usage record,
// retirement with and without a successor, every field checked, every change audited, and another
// instance picking a change up within its refresh bound without a read on the request path.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lambda/core/clock';
import { CatalogSource } from '../../lambda/core/catalog/source';
import { SEED_MODELS } from '../../lambda/core/catalog';
import { adminClient, rejection, sdk } from '../helpers/admin';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { ModelWire } from '../../bin/admin/models';

let t: TestGateway;
let admin: ReturnType<typeof adminClient>;
let openai: OpenAI;

const house = {
  id: 'house-model',
  aliases: ['house-model-2026-12-01'],
  owned_by: 'acme',
  context_window: 32_000,
  max_output_tokens: 4_096,
  pricing: { input_per_1m: 1, output_per_1m: 4 },
  tier: 'versatile',
  capabilities: { tools: true },
  quality_score: 40,
  routes: [{ provider: 'deepseek', upstream_model: 'house-v1' }],
};
const hi = [{ role: 'user' as const, content: 'hello there' }];

beforeAll(async () => {
  t = await startTestGateway();
  admin = adminClient(t.gw);
  openai = sdk(t.gw, t.gw.apiKey);
});
afterAll(async () => {
  await t?.close();
});

describe('the seed', () => {
  it('is the catalog on first start: 16 models, marked as the seed', async () => {
    const list = await admin.ok<{ data: ModelWire[] }>('GET', '/admin/models');
    expect(list.data.map((m) => m.id)).toEqual(SEED_MODELS.map((m) => m.id));
    expect(new Set(list.data.map((m) => m.source))).toEqual(new Set(['seed']));
    expect((await admin.ok<ModelWire>('GET', '/admin/models/claude-sonnet-4')).pricing).toEqual({ input_per_1m: 3, output_per_1m: 15, cached_input_per_1m: 0.3, cache_write_per_1m: 3.75 });
  });
});

describe('changes', () => {
  it('adds a model with one route, usable at once here and listed, with defaults for what was left out', async () => {
    const added = await admin.ok<ModelWire>('POST', '/admin/models', house);
    expect(added).toMatchObject({ id: 'house-model', status: 'active', source: 'operator', pricing: { input_per_1m: 1, output_per_1m: 4, cached_input_per_1m: 1, cache_write_per_1m: 1 } });
    const answer = await openai.chat.completions.create({ model: 'house-model-2026-12-01', messages: hi });
    expect(answer.model).toBe('house-model');
    expect((await openai.models.list()).data.map((m) => m.id)).toContain('house-model');
  });

  it('reaches another instance within its refresh bound, with no read on the request path', async () => {
    const clock = new ManualClock(Date.now());
    const other = new CatalogSource(t.gw.deps.store.catalog, clock, 30_000, SEED_MODELS);
    await other.refresh();
    expect(other.current.find('house-model')).toBeDefined();
    await admin.ok('PATCH', '/admin/models/house-model', { quality_score: 41 });
    // Within the bound the instance serves its copy as it is.
    clock.advance(29_000);
    expect(other.current.find('house-model')?.quality).toBe(40);
    // Past it, the next request starts a reload in the background and is served from the old copy.
    clock.advance(1_001);
    expect(other.current.find('house-model')?.quality).toBe(40);
    await expect.poll(() => other.current.find('house-model')?.quality).toBe(41);
  });

  it('reprices: the next usage record costs the new prices', async () => {
    await admin.ok('PATCH', '/admin/models/house-model', { pricing: { input_per_1m: 10, output_per_1m: 40, cached_input_per_1m: 10, cache_write_per_1m: 10 } });
    const answer = await openai.chat.completions.create({ model: 'house-model', messages: hi });
    await t.gw.usageSettled();
    const records = await t.gw.deps.store.usage.records(t.gw.accountId, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
    const record = records.find((r) => r.completionId === answer.id)!;
    expect(record.costNanoUsd).toBe(Math.round((answer.usage!.prompt_tokens * 10 + answer.usage!.completion_tokens * 40) * 1_000));
  });

  it('deprecates: still served, listed as deprecated with its successor', async () => {
    await admin.ok('PATCH', '/admin/models/house-model', { status: 'deprecated', successor: 'deepseek-chat' });
    const listed = (await openai.models.list()).data.find((m) => m.id === 'house-model') as unknown as { status: string; successor: string };
    expect(listed).toMatchObject({ status: 'deprecated', successor: 'deepseek-chat' });
    expect((await openai.chat.completions.create({ model: 'house-model', messages: hi })).model).toBe('house-model');
  });

  it('retires with a successor: the old id and its aliases answer with the successor, which the answer names', async () => {
    await admin.ok('PATCH', '/admin/models/house-model', { status: 'retired', successor: 'deepseek-chat' });
    const { data, response } = await openai.chat.completions.create({ model: 'house-model-2026-12-01', messages: hi }).withResponse();
    expect(data.model).toBe('deepseek-chat');
    expect(response.headers.get('x-op-routing-reason')).toContain('retired');
    expect((await openai.models.list()).data.map((m) => m.id)).not.toContain('house-model');
    expect((await openai.models.retrieve('house-model')).id).toBe('deepseek-chat');
  });

  it('retires without a successor: 404 model_not_found saying it was retired', async () => {
    await admin.ok('PATCH', '/admin/models/house-model', { successor: null });
    const r = await rejection(openai.chat.completions.create({ model: 'house-model', messages: hi }));
    expect(r).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(r.message).toContain('was retired');
  });

  it('deletes a model, and audits every change', async () => {
    // A model another one names as its successor cannot go.
    await admin.ok('PATCH', '/admin/models/house-model', { status: 'deprecated', successor: 'deepseek-chat' });
    const inUse = await admin.call<{ error: { code: string } }>('DELETE', '/admin/models/deepseek-chat');
    expect(inUse.status).toBe(409);
    expect(inUse.json.error.code).toBe('model_in_use');
    await admin.ok('PATCH', '/admin/models/house-model', { successor: null, status: 'active' });
    expect((await admin.call('DELETE', '/admin/models/house-model')).status).toBe(200);
    expect((await admin.call('GET', '/admin/models/house-model')).status).toBe(404);
    const day = new Date().toISOString().slice(0, 10);
    const trail = (await t.gw.deps.store.audit.listDay(day)).filter((e) => e.modelId === 'house-model').map((e) => e.action);
    expect(trail[0]).toBe('model.create');
    expect(trail.at(-1)).toBe('model.delete');
    expect(trail.filter((a) => a === 'model.update').length).toBeGreaterThanOrEqual(5);
  });
});

describe('bad input', () => {
  it('refuses each bad field with a 400 naming it, and stores nothing', async () => {
    const before = await admin.ok<{ data: ModelWire[] }>('GET', '/admin/models');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...house, id: 'House Model' }, 'id'],
      [{ ...house, id: 'auto' }, 'id'],
      [{ ...house, routes: [{ provider: 'openrouter', upstream_model: 'x' }] }, 'routes[0].provider'],
      [{ ...house, routes: [] }, 'routes'],
      [{ ...house, routes: [{ provider: 'openai' }] }, 'routes[0].upstream_model'],
      [{ ...house, pricing: { input_per_1m: -1, output_per_1m: 4 } }, 'pricing.input_per_1m'],
      [{ ...house, pricing: { input_per_1m: 1 } }, 'pricing.output_per_1m'],
      [{ ...house, pricing: { input_per_1m: 1, output_per_1m: 4, surcharge: 2 } }, 'pricing.surcharge'],
      [{ ...house, tier: 'premium' }, 'tier'],
      [{ ...house, context_window: 0 }, 'context_window'],
      [{ ...house, max_output_tokens: 64_000 }, 'max_output_tokens'],
      [{ ...house, capabilities: { tools: 'yes' } }, 'capabilities.tools'],
      [{ ...house, quality_score: 101 }, 'quality_score'],
      [{ ...house, latency: { ttft_ms: -5 } }, 'latency.ttft_ms'],
      [{ ...house, status: 'gone' }, 'status'],
      [{ ...house, successor: 'gpt-6' }, 'successor'],
      [{ ...house, aliases: ['claude-sonnet-4-20250514'] }, 'aliases[0]'],
      [{ ...house, owned_by: '' }, 'owned_by'],
      [{ ...house, colour: 'blue' }, 'colour'],
    ];
    for (const [body, param] of cases) {
      const r = await admin.call<{ error: { param: string | null; message: string } }>('POST', '/admin/models', body);
      expect(r.status, `${param}: ${JSON.stringify(r.json)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.json.error.param, JSON.stringify(body)).toBe(param);
    }
    const exists = await admin.call<{ error: { code: string } }>('POST', '/admin/models', { ...house, id: 'gpt-5' });
    expect(exists.status).toBe(409);
    expect(await admin.ok('GET', '/admin/models')).toEqual(before);
  });
});
