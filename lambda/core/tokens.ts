// Prompt-size estimates for admission and routing, made before any upstream call. They only need to be
// close and never far below the truth: ~4 characters per token for text (OpenAI's rule of thumb), a fixed
// overhead per message for role framing, and a flat cost per image (a high-detail 1024x1024 tile set).
import type { ChatRequest } from '../openai/types';

const CHARS_PER_TOKEN = 4;
const PER_MESSAGE = 4;
const PER_IMAGE = 765;

function textTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimatePromptTokens(request: ChatRequest): number {
  let total = 3;
  for (const m of request.messages) {
    total += PER_MESSAGE;
    if (typeof m.content === 'string') total += textTokens(m.content);
    else if (Array.isArray(m.content)) {
      for (const part of m.content) total += part.type === 'text' ? textTokens(part.text) : PER_IMAGE;
    }
    if (m.role === 'assistant' && m.tool_calls) {
      for (const c of m.tool_calls) total += textTokens(c.function.name + c.function.arguments);
    }
  }
  if (request.tools) total += textTokens(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') total += textTokens(JSON.stringify(request.response_format.json_schema));
  return total;
}

export function hasImages(request: ChatRequest): boolean {
  return request.messages.some((m) => m.role === 'user' && Array.isArray(m.content) && m.content.some((p) => p.type === 'image_url'));
}
