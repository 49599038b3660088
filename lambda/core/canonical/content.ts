// The neutral content model every dialect parses into and every provider translates from. Modelled on the
// AI SDK's provider spec (LanguageModelV3 prompt parts), written for this gateway: each part keeps what
// any wire format needs to round-trip it (Anthropic thinking signatures and cache breakpoints, OpenAI
// reasoning items, tool-call ids), so a request that goes back out in its own wire format loses nothing.

/** A prompt-cache breakpoint on a part or a tool (Anthropic `cache_control`, Bedrock `cachePoint`). */
export interface CacheHint {
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cache?: CacheHint;
}

export type MediaSource = { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  detail?: 'auto' | 'low' | 'high';
  cache?: CacheHint;
}

/** A whole document (PDF) for the model to read. */
export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  title?: string;
  cache?: CacheHint;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** The id the model gave the call; tool results refer to it. */
  callId: string;
  name: string;
  /** The arguments as JSON text, exactly as the model produced them (it may not even be valid JSON). */
  arguments: string;
  /** The Responses API's own item id for the call (fc_…), when it had one. */
  itemId?: string;
  /** A call to a freeform tool: `arguments` is its raw text input, not JSON. */
  freeform?: true;
  cache?: CacheHint;
}

export interface ToolResultPart {
  type: 'tool-result';
  callId: string;
  /** The tool's name, when the dialect says it (Gemini's functionResponse needs it). */
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  cache?: CacheHint;
}

/**
 * Reasoning the model did before answering. Which fields are set depends on where it came from, and a
 * provider sends back only what its API can verify: Anthropic (and Claude on Bedrock) a `signature` or
 * `redacted` data; OpenAI `encrypted` content under its item `id`. Reasoning nobody can verify is dropped
 * on the way to a provider, never invented.
 */
export interface ReasoningPart {
  type: 'reasoning';
  /** The reasoning as the model exposed it (Anthropic's thinking text, OpenAI's summary, Gemini's thought). */
  text: string;
  /** OpenAI: the summary parts as they were. */
  summary?: string[];
  signature?: string;
  redacted?: string;
  encrypted?: string;
  id?: string;
  cache?: CacheHint;
}

export type UserPart = TextPart | ImagePart | DocumentPart;
export type AssistantPart = TextPart | ReasoningPart | ToolCallPart;

export interface SystemMessage {
  role: 'system';
  content: TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: UserPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content: AssistantPart[];
}

/** Results of earlier tool calls, in the order the dialect gave them. */
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** The text of a list of text parts, joined as the model would read them. */
export function joinText(parts: ReadonlyArray<{ type: string; text?: string }>, separator = ''): string {
  return parts.flatMap((p) => (p.type === 'text' && typeof p.text === 'string' ? [p.text] : [])).join(separator);
}
