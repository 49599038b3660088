import type { CanonicalRequest } from '../core/canonical/request';
import type { CanonicalResult, StreamPart } from '../core/canonical/result';
import type { ProviderName } from '../config';
import type { ProviderKind } from './registry';

export type { ProviderKind } from './registry';

/**
 * One upstream endpoint the gateway can call: a wire protocol (kind) plus where and how to reach it.
 * Several instances may share a kind (DeepSeek, Mistral and Groq all speak `openai-chat`).
 */
export interface ProviderInstance {
  /** The name catalog routes refer to ("anthropic", "deepseek", ...). */
  name: ProviderName;
  kind: ProviderKind;
  /** Base URL (for bedrock: the endpoint override, empty for AWS's own). */
  baseUrl: string;
  apiKey?: string;
  /** AWS region, bedrock only. */
  region?: string;
  /** True when real credentials are configured; false when the local simulator answers instead. */
  live: boolean;
  /** The host enforces a JSON schema itself (response_format json_schema); otherwise a forced tool call does. */
  nativeJsonSchema?: boolean;
}

/** Everything an adapter needs for one upstream call. */
export interface UpstreamCall {
  request: CanonicalRequest;
  /** The provider's own id for the model. */
  upstreamModel: string;
  /** The output cap, already resolved against the model and the plan. */
  maxTokens: number;
  /** What the catalog says about the model that matters on the wire. */
  model: { reasoning: boolean };
  /** Aborted when the client goes away or a gateway time limit passes. */
  signal: AbortSignal;
}

/**
 * The one interface every adapter implements: canonical request -> the provider's wire format -> canonical
 * result or stream parts, and nothing else. Adapters throw UpstreamError for every failure, marked
 * retryable or not; streams keep the part invariants of core/canonical/result.ts and always end with a
 * `finish` part carrying the provider's usage report.
 */
export interface Provider {
  readonly name: ProviderName;
  readonly kind: ProviderKind;
  complete(call: UpstreamCall): Promise<CanonicalResult>;
  stream(call: UpstreamCall): AsyncIterable<StreamPart>;
  /** The provider's own count of the request's input tokens, where its API has a counting endpoint. */
  countTokens?(call: UpstreamCall): Promise<number>;
}

export type ProviderFactory = (instance: ProviderInstance) => Provider;
