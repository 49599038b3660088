// Anthropic Messages API wire types (anthropic-version 2023-06-01), shared by the anthropic-messages dialect
// (what Claude Code and the Anthropic SDKs send and receive) and the anthropic provider. Only the fields the
// gateway reads or writes are typed; blocks and events it does not know stay on the catch-all members.

export const ANTHROPIC_VERSION = '2023-06-01';

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: CacheControl | null;
  citations?: unknown;
}

export type MediaSourceBlock =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'text'; media_type: 'text/plain'; data: string };

export interface ImageBlock {
  type: 'image';
  source: MediaSourceBlock;
  cache_control?: CacheControl | null;
}

export interface DocumentBlock {
  type: 'document';
  source: MediaSourceBlock;
  title?: string | null;
  context?: string | null;
  cache_control?: CacheControl | null;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  cache_control?: CacheControl | null;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
  cache_control?: CacheControl | null;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

export type RequestBlock = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;

export interface RequestMessage {
  role: 'user' | 'assistant';
  content: string | RequestBlock[];
}

export interface RequestTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: CacheControl | null;
}

export type RequestToolChoice =
  | { type: 'none' }
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean };

export type ThinkingConfig = { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: RequestMessage[];
  system?: string | TextBlock[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: RequestTool[];
  tool_choice?: RequestToolChoice;
  thinking?: ThinkingConfig;
  metadata?: { user_id?: string };
  stream?: boolean;
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export type ResponseBlock = TextBlock | ToolUseBlock | ThinkingBlock | RedactedThinkingBlock | { type: string };

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  content: ResponseBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage?: AnthropicUsage;
}

export interface ErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

export type BlockDelta =
  | { type: 'text_delta'; text: string }
  | { type: 'input_json_delta'; partial_json: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'signature_delta'; signature: string }
  | { type: string };

/** One decoded stream event (the SSE `data:` JSON); `type` repeats the SSE `event:` name. */
export type StreamEvent =
  | { type: 'message_start'; message: { usage?: AnthropicUsage } }
  | { type: 'content_block_start'; index: number; content_block: ResponseBlock }
  | { type: 'content_block_delta'; index: number; delta: BlockDelta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: StopReason | null; stop_sequence?: string | null }; usage?: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };
