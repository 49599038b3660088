// Run once per deployment (a CDK trigger, lib/gateway-stack.ts): writes the seed catalog if the store never
// had it, so the first deploy loads the 16 default models; later deploys find it seeded and change nothing.
import { loadConfig } from '../config';
import { SEED_MODELS, seedEntries } from '../core/catalog';
import { createStore } from '../store/dynamo';

export const handler = async (): Promise<{ seeded: true }> => {
  await createStore(loadConfig()).catalog.seed(seedEntries(SEED_MODELS, new Date().toISOString()));
  return { seeded: true };
};
