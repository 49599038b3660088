// OpenAI chat request -> Bedrock Converse input. Converse wants system text apart from the turns, user and
// assistant turns strictly alternating, tool results inside user turns, and images as raw bytes.
import type {
  ContentBlock,
  ConverseCommandInput,
  ImageFormat,
  Message,
  SystemContentBlock,
  ToolConfiguration,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { BadRequestError } from '../../openai/errors';
import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, TextPart } from '../../openai/types';
import type { UpstreamCall } from '../provider';

/** What Converse and ConverseStream both accept (they differ only in guardrail options, which we never send). */
export type ConverseInput = Omit<ConverseCommandInput, 'guardrailConfig'>;

type ToolInput = NonNullable<ToolUseBlock['input']>;

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

function textOf(content: string | TextPart[] | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** Converse takes image bytes only; a remote URL would need fetching, which the gateway does not do. */
function imageBlock(url: string): ContentBlock {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) {
    throw new BadRequestError('Bedrock models accept images only as base64 data: URLs, not remote URLs.', { param: 'messages' });
  }
  const format = IMAGE_FORMATS[match[1]!.toLowerCase()];
  if (!format) {
    throw new BadRequestError(`Image type ${match[1]} is not supported; use png, jpeg, gif or webp.`, { param: 'messages' });
  }
  return { image: { format, source: { bytes: new Uint8Array(Buffer.from(match[2]!, 'base64')) } } };
}

function userBlocks(content: string | ContentPart[]): ContentBlock[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.map((part): ContentBlock => (part.type === 'text' ? { text: part.text } : imageBlock(part.image_url.url)));
}

function toolInput(args: string, name: string): ToolInput {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as ToolInput;
  } catch {
    throw new BadRequestError(`The arguments of the call to tool ${name} are not valid JSON.`, { param: 'messages' });
  }
}

function turn(message: Exclude<ChatMessage, { role: 'system' | 'developer' }>): Message {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: userBlocks(message.content) };
    case 'assistant': {
      const text = textOf(message.content);
      const calls = (message.tool_calls ?? []).map(
        (c): ContentBlock => ({ toolUse: { toolUseId: c.id, name: c.function.name, input: toolInput(c.function.arguments, c.function.name) } }),
      );
      // Converse rejects blank text blocks, and an assistant turn that only calls tools has no text.
      return { role: 'assistant', content: [...(text ? [{ text }] : []), ...calls] };
    }
    case 'tool':
      return { role: 'user', content: [{ toolResult: { toolUseId: message.tool_call_id, content: [{ text: textOf(message.content) }] } }] };
  }
}

/** Consecutive turns of one role become one turn: Converse requires user and assistant to alternate. */
function alternate(turns: Message[]): Message[] {
  const out: Message[] = [];
  for (const t of turns) {
    if (!t.content?.length) continue;
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.content = [...(last.content ?? []), ...t.content];
    else out.push({ role: t.role, content: [...t.content] });
  }
  return out;
}

function jsonInstruction(format: ResponseFormat | undefined): string | undefined {
  if (format?.type === 'json_object') return 'Respond with a single JSON object only: no prose and no code fences.';
  if (format?.type === 'json_schema') {
    const schema = JSON.stringify(format.json_schema.schema ?? { type: 'object' });
    return `Respond with a single JSON object only: no prose and no code fences. It must conform to this JSON schema: ${schema}`;
  }
  return undefined;
}

function toolConfig(r: ChatRequest): ToolConfiguration | undefined {
  if (!r.tools?.length || r.tool_choice === 'none') return undefined;
  const choice = r.tool_choice;
  return {
    tools: r.tools.map((t) => ({
      toolSpec: {
        name: t.function.name,
        ...(t.function.description !== undefined && { description: t.function.description }),
        inputSchema: { json: (t.function.parameters ?? { type: 'object', properties: {} }) as ToolInput },
      },
    })),
    ...(choice === 'auto' && { toolChoice: { auto: {} } }),
    ...(choice === 'required' && { toolChoice: { any: {} } }),
    ...(typeof choice === 'object' && { toolChoice: { tool: { name: choice.function.name } } }),
  };
}

/** Anthropic models on Bedrock take temperature in [0, 1], OpenAI's range is [0, 2]. Inference profile ids
 * ("us.anthropic...") carry a region prefix. */
function temperature(model: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /(^|\.)anthropic\./.test(model) ? Math.min(value, 1) : value;
}

export function toConverseInput(call: UpstreamCall): ConverseInput {
  const r = call.request;
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  for (const m of r.messages) {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content);
        if (text) system.push({ text });
        break;
      }
      default:
        turns.push(turn(m));
    }
  }
  const json = jsonInstruction(r.response_format);
  if (json) system.push({ text: json });
  const tools = toolConfig(r);
  const temp = temperature(call.upstreamModel, r.temperature);
  return {
    modelId: call.upstreamModel,
    messages: alternate(turns),
    ...(system.length > 0 && { system }),
    inferenceConfig: {
      maxTokens: call.maxTokens,
      ...(temp !== undefined && { temperature: temp }),
      ...(r.top_p !== undefined && { topP: r.top_p }),
      ...(r.stop?.length && { stopSequences: r.stop }),
    },
    ...(tools && { toolConfig: tools }),
  };
}
