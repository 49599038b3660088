import { createAnthropicProvider } from './anthropic';
import { createBedrockProvider } from './bedrock';
import { createGoogleProvider } from './google';
import { createOpenAIChatProvider } from './openai-chat';
import { createOpenAIResponsesProvider } from './openai-responses';
import type { ProviderName } from '../config';
import type { Provider, ProviderFactory, ProviderInstance } from './provider';

/**
 * One factory per wire protocol. A new kind of provider is its folder and one entry here; the kind names
 * are this object's keys, so the compiler rejects an instance of a kind that has no adapter.
 */
export const PROVIDER_KINDS = {
  'openai-responses': createOpenAIResponsesProvider,
  'openai-chat': createOpenAIChatProvider,
  anthropic: createAnthropicProvider,
  google: createGoogleProvider,
  bedrock: createBedrockProvider,
} satisfies Record<string, ProviderFactory>;

export type ProviderKind = keyof typeof PROVIDER_KINDS;

/** Providers by instance name, as the catalog's routes refer to them. */
export type ProviderRegistry = ReadonlyMap<ProviderName, Provider>;

export function createProviders(instances: readonly ProviderInstance[]): ProviderRegistry {
  return new Map(instances.map((i) => [i.name, PROVIDER_KINDS[i.kind](i)]));
}
