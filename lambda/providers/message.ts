// The assistant message of a completion, built the same way by every adapter.
import type { ResponseMessage, ToolCall } from '../openai/types';

/**
 * An answer's text as OpenAI content: an empty text beside tool calls is no content at all (null), the shape
 * OpenAI gives a tool-only answer. An empty text without tool calls stays '' (the model said nothing).
 */
export function contentOf(text: string, toolCalls: ToolCall[]): string | null {
  return text === '' && toolCalls.length > 0 ? null : text;
}

/**
 * The message with `content` exactly as the caller decided it (see contentOf for translated answers);
 * tool_calls appears only when there are some, as OpenAI omits an empty list.
 */
export function assistantMessage(content: string | null, toolCalls: ToolCall[]): ResponseMessage {
  return { role: 'assistant', content, refusal: null, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) };
}
