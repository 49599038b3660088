import { createOpenAIProvider } from './openai';
import { createAnthropicProvider } from './anthropic';
import { createGoogleProvider } from './google';
import { createBedrockProvider } from './bedrock';
import type { Provider, ProviderFactory, ProviderInstance, ProviderKind } from './provider';

/** One factory per wire protocol; adding a provider means adding its folder and one line here. */
const FACTORIES: Record<ProviderKind, ProviderFactory> = {
  openai: createOpenAIProvider,
  anthropic: createAnthropicProvider,
  google: createGoogleProvider,
  bedrock: createBedrockProvider,
};

/** Providers by instance name, as the catalog's routes refer to them. */
export type ProviderRegistry = ReadonlyMap<string, Provider>;

export function createProviders(instances: readonly ProviderInstance[]): ProviderRegistry {
  return new Map(instances.map((i) => [i.name, FACTORIES[i.kind](i)]));
}
