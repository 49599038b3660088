import type { ChatRequest, CompletionResult, StreamPiece } from '../openai/types';

/** The wire protocols the gateway speaks upstream. Each has one adapter module under providers/. */
export type ProviderKind = 'openai' | 'anthropic' | 'google' | 'bedrock';

/**
 * One upstream endpoint the gateway can call: a protocol plus where and how to reach it.
 * Several instances may share a kind (OpenAI itself, DeepSeek, Mistral and Groq all speak `openai`).
 */
export interface ProviderInstance {
  /** The name routes refer to ("anthropic", "deepseek", ...). */
  name: string;
  kind: ProviderKind;
  /** Base URL (for bedrock: the endpoint override, empty for AWS's own). */
  baseUrl: string;
  apiKey?: string;
  /** AWS region, bedrock only. */
  region?: string;
  /** True when real credentials are configured; false when the local simulator answers instead. */
  live: boolean;
}

/** Everything an adapter needs for one upstream call. */
export interface UpstreamCall {
  request: ChatRequest;
  /** The provider's own id for the model. */
  upstreamModel: string;
  /** The output token cap, already resolved against the model and the plan. */
  maxTokens: number;
  /** Aborted when the client goes away or a gateway time limit passes. */
  signal: AbortSignal;
}

/**
 * The one interface every adapter implements. Adapters translate OpenAI's request into their wire format
 * and the answer back into envelope-free OpenAI pieces; they throw UpstreamError for every failure,
 * marked retryable or not. Streams always ask the upstream for usage, so the last piece carries it.
 */
export interface Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  complete(call: UpstreamCall): Promise<CompletionResult>;
  stream(call: UpstreamCall): AsyncIterable<StreamPiece>;
}

export type ProviderFactory = (instance: ProviderInstance) => Provider;
