// OpenAI chat-completions wire types: the shared floor that the core and every provider speak.
// Only the fields the gateway reads or writes are typed; unknown request fields are rejected by validation.

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface SystemMessage {
  role: 'system' | 'developer';
  content: string | TextPart[];
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | TextPart[] | null;
  tool_calls?: ToolCall[];
  name?: string;
}

export interface ToolMessage {
  role: 'tool';
  content: string | TextPart[];
  tool_call_id: string;
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean };
    };

export type RoutingMode = 'cost' | 'speed' | 'quality';

/** A chat request after validation: every field has the type OpenAI documents. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  /** The output token cap the caller asked for (max_completion_tokens wins over max_tokens). */
  max_tokens?: number;
  stream: boolean;
  include_usage: boolean;
  stop?: string[];
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  user?: string;
  /** OriginalPoint extension: how `model: "auto"` picks a model. */
  routing?: RoutingMode;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  tool_calls?: ToolCall[];
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: ResponseMessage;
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: Usage;
  system_fingerprint?: string | null;
  x_op_routing_used?: string;
  x_op_latency_ms?: number;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: ToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: ChunkDelta;
    logprobs: null;
    finish_reason: FinishReason | null;
  }>;
  usage?: Usage | null;
  system_fingerprint?: string | null;
}

/**
 * What a provider adapter yields while streaming: the content of one choice-0 delta, without the
 * envelope (id, created, model), which belongs to the gateway. `usage` arrives once, at the end.
 */
export interface StreamPiece {
  delta?: ChunkDelta;
  finishReason?: FinishReason;
  usage?: Usage;
}

/** What a provider adapter returns for a non-streamed call, envelope-free like StreamPiece. */
export interface CompletionResult {
  message: ResponseMessage;
  finishReason: FinishReason;
  usage: Usage;
}
