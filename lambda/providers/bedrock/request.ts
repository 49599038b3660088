// Canonical request -> Bedrock Converse input. Converse wants system text apart from the turns, user and
// assistant turns strictly alternating, tool results inside user turns, media as raw bytes, and cache
// breakpoints as cachePoint blocks after what they close. Claude's thinking (text and signature, or
// redacted bytes) round-trips as reasoningContent.
import type {
  ContentBlock,
  ConverseCommandInput,
  DocumentFormat,
  ImageFormat,
  Message,
  SystemContentBlock,
  Tool,
  ToolConfiguration,
  ToolResultContentBlock,
  ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { Message as CanonicalMessage, CacheHint, MediaSource } from '../../core/canonical/content';
import type { CanonicalRequest, ToolChoice } from '../../core/canonical/request';
import { BadRequestError } from '../../wire/errors';
import type { UpstreamCall } from '../provider';
import { asFunctionTools, functionArguments } from '../freeform';
import { planSchemaTool, type SchemaToolPlan } from '../schema-tool';

/** What Converse and ConverseStream both accept (they differ only in guardrail options, which we never send). */
export type ConverseInput = Omit<ConverseCommandInput, 'guardrailConfig'>;

type DocumentType = NonNullable<ToolUseBlock['input']>;

const IMAGE_FORMATS: Record<string, ImageFormat> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

const CACHE_POINT = { cachePoint: { type: 'default' } } as const;
const cachePoint = (hint: CacheHint | undefined): ContentBlock[] => (hint ? [CACHE_POINT as ContentBlock] : []);

/** Converse takes media bytes only; a remote URL would need fetching, which the gateway does not do. */
function bytesOf(source: MediaSource, what: string): { mediaType: string; bytes: Uint8Array } {
  let mediaType: string;
  let data: string;
  if (source.kind === 'base64') ({ mediaType, data } = source);
  else {
    const match = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
    if (!match) throw new BadRequestError(`Bedrock models accept ${what} only as base64 data, not remote URLs.`, { param: 'messages', code: 'unsupported_content' });
    mediaType = match[1]!;
    data = match[2]!;
  }
  return { mediaType: mediaType.toLowerCase(), bytes: new Uint8Array(Buffer.from(data, 'base64')) };
}

function imageBlock(source: MediaSource): ContentBlock {
  const { mediaType, bytes } = bytesOf(source, 'images');
  const format = IMAGE_FORMATS[mediaType];
  if (!format) throw new BadRequestError(`Image type ${mediaType} is not supported; use png, jpeg, gif or webp.`, { param: 'messages', code: 'unsupported_content' });
  return { image: { format, source: { bytes } } };
}

function documentBlock(source: MediaSource, title: string | undefined, n: number): ContentBlock {
  const { mediaType, bytes } = bytesOf(source, 'documents');
  if (mediaType !== 'application/pdf') throw new BadRequestError(`Document type ${mediaType} is not supported; use application/pdf.`, { param: 'messages', code: 'unsupported_content' });
  // Converse names documents; names allow letters, digits, spaces, hyphens, parentheses and brackets.
  const name = (title ?? `document ${n}`).replace(/[^A-Za-z0-9 ()[\]-]/g, ' ').trim().slice(0, 200) || `document ${n}`;
  return { document: { format: 'pdf' as DocumentFormat, name, source: { bytes } } };
}

function toolInput(args: string, name: string): DocumentType {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args) as DocumentType;
  } catch {
    throw new BadRequestError(`The arguments of the call to tool ${name} are not valid JSON.`, { param: 'messages', code: 'invalid_tool_arguments' });
  }
}

function turn(m: Exclude<CanonicalMessage, { role: 'system' }>, claude: boolean, docs: { n: number }): Message {
  switch (m.role) {
    case 'user':
      return {
        role: 'user',
        content: m.content.flatMap((p): ContentBlock[] => {
          if (p.type === 'text') return p.text ? [{ text: p.text }, ...cachePoint(p.cache)] : [];
          if (p.type === 'image') return [imageBlock(p.source), ...cachePoint(p.cache)];
          return [documentBlock(p.source, p.title, ++docs.n), ...cachePoint(p.cache)];
        }),
      };
    case 'assistant':
      return {
        role: 'assistant',
        content: m.content.flatMap((p): ContentBlock[] => {
          // Converse rejects blank text blocks, and an assistant turn that only calls tools has no text.
          if (p.type === 'text') return p.text ? [{ text: p.text }, ...cachePoint(p.cache)] : [];
          if (p.type === 'tool-call') return [{ toolUse: { toolUseId: p.callId, name: p.name, input: toolInput(functionArguments(p), p.name) } }];
          // Only Claude verifies thinking signatures; nothing else can take reasoning back.
          if (!claude) return [];
          if (p.redacted !== undefined) return [{ reasoningContent: { redactedContent: new Uint8Array(Buffer.from(p.redacted, 'base64')) } }];
          if (p.signature) return [{ reasoningContent: { reasoningText: { text: p.text, signature: p.signature } } }];
          return [];
        }),
      };
    case 'tool':
      return {
        role: 'user',
        content: m.content.flatMap((r): ContentBlock[] => [
          {
            toolResult: {
              toolUseId: r.callId,
              content: r.content.map((c): ToolResultContentBlock => (c.type === 'text' ? { text: c.text } : ({ image: imageBlock(c.source).image } as ToolResultContentBlock))),
              ...(r.isError ? { status: 'error' } : {}),
            },
          },
          ...cachePoint(r.cache),
        ]),
      };
  }
}

/**
 * The smallest user turn, for conversations Converse would refuse that other providers answer: one that
 * opens with an assistant turn (a prefill after a system prompt) or has no turn with content at all.
 */
const OPENING_TURN: Message = { role: 'user', content: [{ text: '.' }] };

/** Consecutive turns of one role become one turn: Converse requires user and assistant to alternate, starting with the user. */
function alternate(turns: Message[]): Message[] {
  const out: Message[] = [];
  for (const t of turns) {
    if (!t.content?.length) continue;
    const last = out[out.length - 1];
    if (last && last.role === t.role) last.content = [...(last.content ?? []), ...t.content];
    else out.push({ role: t.role, content: [...t.content] });
  }
  if (out[0]?.role !== 'user') out.unshift({ ...OPENING_TURN, content: [...OPENING_TURN.content!] });
  // Within a user turn, tool results come first (as Anthropic's models behind Converse require); a cache
  // point stays right after the block it closes.
  for (const m of out) {
    if (m.role !== 'user' || !m.content?.some((b) => b.toolResult)) continue;
    const groups: ContentBlock[][] = [];
    for (const b of m.content) {
      if (b.cachePoint && groups.length) groups[groups.length - 1]!.push(b);
      else groups.push([b]);
    }
    m.content = [...groups.filter((g) => g[0]!.toolResult), ...groups.filter((g) => !g[0]!.toolResult)].flat();
  }
  return out;
}

function toolChoiceOf(choice: ToolChoice | undefined): ToolConfiguration['toolChoice'] {
  if (!choice || choice.type === 'auto') return choice ? { auto: {} } : undefined;
  if (choice.type === 'required') return { any: {} };
  if (choice.type === 'tool') return { tool: { name: choice.name } };
  return undefined;
}

function toolConfig(r: CanonicalRequest, plan: SchemaToolPlan | undefined): ToolConfiguration | undefined {
  const tools = plan?.tools ?? r.tools;
  const choice = plan?.toolChoice ?? r.toolChoice;
  if (!tools?.length || choice?.type === 'none') return undefined;
  const specs: Tool[] = asFunctionTools(tools).flatMap((t): Tool[] => [
    { toolSpec: { name: t.name, ...(t.description !== undefined && { description: t.description }), inputSchema: { json: t.parameters as DocumentType } } },
    ...(t.cache ? [CACHE_POINT as Tool] : []),
  ]);
  const toolChoice = toolChoiceOf(choice);
  return { tools: specs, ...(toolChoice && { toolChoice }) };
}

/** Anthropic models on Bedrock ("anthropic." or a "us.anthropic." inference profile). */
export const isClaude = (model: string): boolean => /(^|\.)anthropic\./.test(model);

const BUDGET_BY_EFFORT = { minimal: 1_024, low: 2_048, medium: 8_192, high: 24_576 } as const;

export function toConverseInput(call: UpstreamCall): { input: ConverseInput; plan?: SchemaToolPlan } {
  const r = call.request;
  const s = r.sampling;
  const claude = isClaude(call.upstreamModel);
  const plan = planSchemaTool(r);
  const system: SystemContentBlock[] = [];
  const turns: Message[] = [];
  const docs = { n: 0 };
  for (const m of r.messages) {
    if (m.role === 'system') {
      for (const p of m.content) if (p.text) system.push({ text: p.text }, ...(p.cache ? [CACHE_POINT as SystemContentBlock] : []));
    } else turns.push(turn(m, claude, docs));
  }
  const wanted = r.reasoning?.budgetTokens ?? (r.reasoning?.effort ? BUDGET_BY_EFFORT[r.reasoning.effort] : undefined);
  const budget = wanted === undefined ? undefined : Math.min(wanted, call.maxTokens - 1);
  // Claude's thinking: not with a forced tool call (the schema wins), and at least 1,024 tokens.
  const thinking = claude && call.model.reasoning && !plan && budget !== undefined && budget >= 1_024;
  const tools = toolConfig(r, plan);
  // Anthropic models on Bedrock take temperature in [0, 1], OpenAI's range is [0, 2]; none with thinking.
  const temperature = thinking || s.temperature === undefined ? undefined : claude ? Math.min(s.temperature, 1) : s.temperature;
  return {
    input: {
      modelId: call.upstreamModel,
      messages: alternate(turns),
      ...(system.length > 0 && { system }),
      inferenceConfig: {
        maxTokens: call.maxTokens,
        ...(temperature !== undefined && { temperature }),
        ...(s.topP !== undefined && !(claude && s.temperature !== undefined) && !thinking && { topP: s.topP }),
        ...(s.stop?.length && { stopSequences: s.stop }),
      },
      ...(tools && { toolConfig: tools }),
      ...(thinking && { additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: budget } } }),
    },
    ...(plan ? { plan } : {}),
  };
}
