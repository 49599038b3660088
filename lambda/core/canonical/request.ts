// The canonical request: what a dialect's parser produces and the core (limits, routing, fallback) and the
// providers consume. Everything is already validated; nothing here is in any one API's vocabulary.
import type { CacheHint, Message } from './content';

export type RoutingMode = 'cost' | 'speed' | 'quality';

/** A JSON Schema object, as the client sent it (depth-checked at parse time: see wire/json.ts). */
export type JsonSchema = Record<string, unknown>;

export interface Tool {
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
  cache?: CacheHint;
  /**
   * A freeform tool (OpenAI's custom tools, such as Codex's apply_patch): its input is raw text, optionally
   * held to a grammar (`format`, passed on as it came). Providers without them get a function tool whose one
   * string parameter `input` carries the text (see providers/freeform.ts).
   */
  freeform?: { format?: Record<string, unknown> };
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type OutputFormat =
  | { type: 'text' }
  /** Any JSON object. */
  | { type: 'json' }
  /** JSON valid against `schema`: enforced by the provider's schema mode or a forced tool call, then checked. */
  | { type: 'json_schema'; name: string; description?: string; schema: JsonSchema; strict?: boolean };

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

export interface ReasoningConfig {
  effort?: ReasoningEffort;
  /** Anthropic's thinking budget, in tokens; providers with effort levels map it to the nearest one. */
  budgetTokens?: number;
  /** Responses: whether the client wants reasoning summaries streamed. */
  summary?: 'auto' | 'concise' | 'detailed';
}

export interface Sampling {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop?: string[];
}

/** Wire hints a dialect passes on to providers that speak the same wire (named, typed, optional). */
export interface WireHints {
  /** `anthropic-beta` features the client asked for, passed on to Anthropic routes. */
  anthropicBeta?: string[];
}

export interface CanonicalRequest {
  /** A catalog id, one of its aliases, or "auto". */
  model: string;
  routing?: RoutingMode;
  messages: Message[];
  tools?: Tool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  output?: OutputFormat;
  sampling: Sampling;
  /** The output cap the caller asked for. */
  maxOutputTokens?: number;
  reasoning?: ReasoningConfig;
  /** An end-user id for the provider's abuse monitoring. */
  user?: string;
  stream: boolean;
  hints?: WireHints;
}

/** True when the request carries an image anywhere (user content or tool results). */
export function hasImages(request: CanonicalRequest): boolean {
  return request.messages.some((m) =>
    m.role === 'user'
      ? m.content.some((p) => p.type === 'image')
      : m.role === 'tool' && m.content.some((r) => r.content.some((p) => p.type === 'image')),
  );
}

export function hasDocuments(request: CanonicalRequest): boolean {
  return request.messages.some((m) => m.role === 'user' && m.content.some((p) => p.type === 'document'));
}
