import type { ProviderKind } from '../../providers/registry';
import type { SimAnswer, SimRequest } from './answer';
import type { PromptCache } from './cache';

/** One frame of a simulated stream. `token` frames are paced by the configured tokens per second. */
export interface SimFrame {
  data: string | Uint8Array;
  token: boolean;
}

export interface SimCall {
  /** The upstream model id from the path or the body. */
  model: string;
  stream: boolean;
  body: unknown;
  /** A token-counting request (Anthropic's count_tokens): answered by `count`, nothing generated. */
  count?: boolean;
}

/** What a protocol's parser may consult: the instance's prompt cache. */
export interface SimContext {
  cache: PromptCache;
}

/**
 * One provider wire protocol, as the simulator speaks it. The server owns timing, faults and bookkeeping;
 * a protocol only parses its request format and renders answers and errors in its own framing.
 */
export interface SimProtocol {
  kind: ProviderKind;
  /** Recognises this protocol's endpoint; `path` is what follows "/<instance>". */
  match(method: string, path: string, body: unknown): SimCall | undefined;
  /** Throws SimBadRequest for a body the real provider would reject. */
  parse(call: SimCall, ctx: SimContext): SimRequest;
  json(answer: SimAnswer, call: SimCall): unknown;
  /** The answer to a counting call. */
  count?(request: SimRequest): unknown;
  streamContentType: string;
  frames(answer: SimAnswer, call: SimCall): SimFrame[];
  /** A frame in this protocol's framing whose payload is not valid JSON (the `garble` fault). */
  garbled: string | Uint8Array;
  /** Extra response headers (Bedrock's content type for event streams, for instance). */
  headers?: Record<string, string>;
  error(status: number, message: string): unknown;
  /** Headers an error response needs beyond its body (the AWS SDK names Bedrock errors by x-amzn-errortype). */
  errorHeaders?(status: number): Record<string, string>;
}

export class SimBadRequest extends Error {}
