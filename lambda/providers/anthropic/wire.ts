// Anthropic Messages API wire types (anthropic-version 2023-06-01). Only the fields the adapter writes or
// reads are typed; block and event types the gateway does not translate (thinking, server tools) are
// left to the catch-all members so unknown additions pass through the readers untouched.

export const ANTHROPIC_VERSION = '2023-06-01';

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
}

export type RequestBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock;

export interface RequestMessage {
  role: 'user' | 'assistant';
  content: RequestBlock[];
}

export interface RequestTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type RequestToolChoice =
  | { type: 'none' }
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean };

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  messages: RequestMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  stop_sequences?: string[];
  tools?: RequestTool[];
  tool_choice?: RequestToolChoice;
  metadata?: { user_id: string };
  stream?: boolean;
}

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export type ResponseBlock = TextBlock | ToolUseBlock | { type: string };

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

/** One decoded stream event (the SSE `data:` JSON); `type` repeats the SSE `event:` name. */
export type StreamEvent =
  | { type: 'message_start'; message: { usage?: AnthropicUsage } }
  | { type: 'content_block_start'; index: number; content_block: ResponseBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string } | { type: string };
    }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason?: StopReason | null }; usage?: AnthropicUsage }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };
