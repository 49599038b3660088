// The catalog store against dynalite: the seed is written once and never again (so an operator's change or
// deletion of a seed model stands), entries come back in catalog order, and the deploy-time seed handler
// does the same through the environment the stack gives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config';
import { SEED_MODELS, seedEntries } from '../../lambda/core/catalog';
import type { Store } from '../../lambda/core/records';
import { startDynalite, type LocalDynamo } from '../../lambda/local/dynalite';
import { ensureTables } from '../../lambda/store/bootstrap';
import { createStore } from '../../lambda/store/dynamo';

let dynamo: LocalDynamo;
let store: Store;
const AT = '2026-12-01T00:00:00.000Z';

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = loadConfig({ OP_DYNAMODB_ENDPOINT: dynamo.endpoint });
  await ensureTables(config);
  store = createStore(config);
});
afterAll(async () => {
  await dynamo?.close();
});

describe('DynamoCatalogStore', () => {
  it('reads as never seeded, then holds the seed in its order', async () => {
    expect(await store.catalog.load()).toBeUndefined();
    await store.catalog.seed(seedEntries(SEED_MODELS, AT));
    expect((await store.catalog.load())!.map((e) => e.spec.id)).toEqual(SEED_MODELS.map((m) => m.id));
  });

  it("never writes the seed again over an operator's changes, through the deploy-time handler too", async () => {
    const sonnet = (await store.catalog.load())!.find((e) => e.spec.id === 'claude-sonnet-4')!;
    await store.catalog.put({ ...sonnet, spec: { ...sonnet.spec, pricing: { ...sonnet.spec.pricing, inputPer1M: 2.5 } }, source: 'operator' }, 'replace');
    expect(await store.catalog.delete('nova-lite')).toBe(true);
    // The handler reads its environment as the stack sets it.
    const before = process.env.OP_DYNAMODB_ENDPOINT;
    process.env.OP_DYNAMODB_ENDPOINT = dynamo.endpoint;
    try {
      const { handler } = await import('../../lambda/handlers/seed-catalog');
      await expect(handler()).resolves.toEqual({ seeded: true });
    } finally {
      if (before === undefined) delete process.env.OP_DYNAMODB_ENDPOINT;
      else process.env.OP_DYNAMODB_ENDPOINT = before;
    }
    await store.catalog.seed(seedEntries(SEED_MODELS, AT));
    const after = (await store.catalog.load())!;
    expect(after.find((e) => e.spec.id === 'claude-sonnet-4')).toMatchObject({ source: 'operator', spec: { pricing: { inputPer1M: 2.5 } } });
    expect(after.map((e) => e.spec.id)).not.toContain('nova-lite');
    // A replaced entry keeps its place in the order.
    expect(after.map((e) => e.spec.id).indexOf('claude-sonnet-4')).toBe(SEED_MODELS.findIndex((m) => m.id === 'claude-sonnet-4'));
  });
});
