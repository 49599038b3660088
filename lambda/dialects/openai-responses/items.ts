// Responses API items <-> canonical messages and parts. Output item ids carry the id of the response they
// belong to ("msg_<r>_<n>" for the n-th item of response "resp_<r>"), so an `item_reference` can be resolved
// from the stored response alone, without an index of items.
import type { AssistantPart, ImagePart, Message, ReasoningPart, TextPart, ToolResultPart, UserPart } from '../../core/canonical/content';
import type { InputItem, OutputItem, OutputMessage, OutputText } from '../../wire/formats/openai-responses';
import { fail, isObject, type Json } from '../fields';

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function media(url: string): ImagePart['source'] {
  const data = DATA_URL.exec(url);
  return data ? { kind: 'base64', mediaType: data[1]!.toLowerCase(), data: data[2]! } : { kind: 'url', url };
}

function inputImage(p: Json, at: string): ImagePart {
  if (typeof p.image_url !== 'string' || !/^(https?:\/\/|data:image\/[^;,]+;base64,)/.test(p.image_url)) {
    return fail(`'${at}.image_url' must be an http(s) URL or a base64 data:image/ URL (file ids are not supported).`, `${at}.image_url`);
  }
  const detail = p.detail;
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') return fail(`'${at}.detail' must be auto, low or high.`, `${at}.detail`);
  return { type: 'image', source: media(p.image_url), ...(detail ? { detail } : {}) };
}

function inputFile(p: Json, at: string): UserPart {
  if (typeof p.file_data === 'string' && /^data:application\/pdf;base64,/.test(p.file_data)) {
    return { type: 'document', source: media(p.file_data), ...(typeof p.filename === 'string' ? { title: p.filename } : {}) };
  }
  if (typeof p.file_url === 'string' && /^https?:\/\//.test(p.file_url)) return { type: 'document', source: { kind: 'url', url: p.file_url } };
  return fail(`'${at}' must carry a PDF as file_data (a base64 data:application/pdf URL) or file_url; file ids are not supported.`, at);
}

function userParts(content: unknown, at: string, textOnly: boolean): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return fail(`'${at}' must be a string or an array of content parts.`, at);
  return content.map((p, i): UserPart => {
    const pat = `${at}[${i}]`;
    if (!isObject(p)) return fail(`'${pat}' must be an object.`, pat);
    if ((p.type === 'input_text' || p.type === 'output_text') && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (!textOnly && p.type === 'input_image') return inputImage(p, pat);
    if (!textOnly && p.type === 'input_file') return inputFile(p, pat);
    return fail(`'${pat}.type' must be ${textOnly ? 'input_text' : 'input_text, input_image or input_file'}.`, `${pat}.type`);
  });
}

function assistantParts(content: unknown, at: string): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return fail(`'${at}' must be a string or an array of output_text parts.`, at);
  return content.map((p, i): TextPart => {
    const pat = `${at}[${i}]`;
    if (isObject(p) && (p.type === 'output_text' || p.type === 'input_text') && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (isObject(p) && p.type === 'refusal' && typeof p.refusal === 'string') return { type: 'text', text: p.refusal };
    return fail(`'${pat}.type' must be output_text or refusal.`, `${pat}.type`);
  });
}

function toolOutput(output: unknown, at: string): ToolResultPart['content'] {
  if (typeof output === 'string') return [{ type: 'text', text: output }];
  if (!Array.isArray(output)) return fail(`'${at}' must be a string or an array of input_text and input_image parts.`, at);
  return output.map((p, i): TextPart | ImagePart => {
    const pat = `${at}[${i}]`;
    if (isObject(p) && p.type === 'input_text' && typeof p.text === 'string') return { type: 'text', text: p.text };
    if (isObject(p) && p.type === 'input_image') return inputImage(p, pat);
    return fail(`'${pat}.type' must be input_text or input_image.`, `${pat}.type`);
  });
}

function reasoningPart(item: Json, at: string): ReasoningPart {
  if (typeof item.id !== 'string') return fail(`'${at}.id' is required for reasoning items.`, `${at}.id`);
  if (!Array.isArray(item.summary)) return fail(`'${at}.summary' must be an array of summary_text parts.`, `${at}.summary`);
  const summary = item.summary.map((s, i) => {
    if (!isObject(s) || typeof s.text !== 'string') return fail(`'${at}.summary[${i}]' must be {"type": "summary_text", "text"}.`, `${at}.summary[${i}]`);
    return s.text;
  });
  const encrypted = item.encrypted_content;
  if (encrypted !== undefined && encrypted !== null && typeof encrypted !== 'string') return fail(`'${at}.encrypted_content' must be a string.`, `${at}.encrypted_content`);
  return { type: 'reasoning', text: summary.join('\n\n'), summary, id: item.id, ...(typeof encrypted === 'string' ? { encrypted } : {}) };
}

/** A resolver for `item_reference` items: the stored output item the id names, or undefined. */
export type ItemResolver = (id: string) => Promise<AssistantPart[] | undefined>;

/** Item types of other tools, named in the refusal so a client knows what is unsupported. */
const UNSUPPORTED_ITEMS = /^(computer_call|computer_call_output|web_search_call|file_search_call|image_generation_call|code_interpreter_call|local_shell_call|local_shell_call_output|mcp_\w+|shell_call|shell_call_output|apply_patch_call|apply_patch_call_output|compaction)$/;

/**
 * `input` as canonical messages. Consecutive assistant items (text, reasoning, calls) form one assistant
 * message, and consecutive tool outputs one tool message, as every provider wants them grouped.
 */
export async function inputMessages(input: unknown, resolve: ItemResolver): Promise<Message[]> {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) return fail(`'input' must be a string or an array of input items.`, 'input');
  const out: Message[] = [];
  const assistant = (parts: AssistantPart[]) => {
    const last = out[out.length - 1];
    if (last?.role === 'assistant') last.content.push(...parts);
    else out.push({ role: 'assistant', content: parts });
  };
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    const at = `input[${i}]`;
    if (!isObject(item)) return fail(`'${at}' must be an object.`, at);
    const type = item.type ?? 'message';
    switch (type) {
      case 'message': {
        const role = item.role;
        if (role === 'user') out.push({ role: 'user', content: userParts(item.content, `${at}.content`, false) });
        else if (role === 'system' || role === 'developer') out.push({ role: 'system', content: userParts(item.content, `${at}.content`, true) as TextPart[] });
        else if (role === 'assistant') assistant(assistantParts(item.content, `${at}.content`));
        else return fail(`'${at}.role' must be one of user, assistant, system, developer.`, `${at}.role`);
        break;
      }
      case 'function_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string' || typeof item.arguments !== 'string') {
          return fail(`'${at}' needs string call_id, name and arguments.`, at);
        }
        assistant([{ type: 'tool-call', callId: item.call_id, name: item.name, arguments: item.arguments, ...(typeof item.id === 'string' ? { itemId: item.id } : {}) }]);
        break;
      }
      case 'custom_tool_call': {
        if (typeof item.call_id !== 'string' || typeof item.name !== 'string' || typeof item.input !== 'string') {
          return fail(`'${at}' needs string call_id, name and input.`, at);
        }
        assistant([{ type: 'tool-call', callId: item.call_id, name: item.name, arguments: item.input, freeform: true, ...(typeof item.id === 'string' ? { itemId: item.id } : {}) }]);
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        if (typeof item.call_id !== 'string') return fail(`'${at}.call_id' is required.`, `${at}.call_id`);
        const result: ToolResultPart = { type: 'tool-result', callId: item.call_id, content: toolOutput(item.output, `${at}.output`) };
        const last = out[out.length - 1];
        if (last?.role === 'tool') last.content.push(result);
        else out.push({ role: 'tool', content: [result] });
        break;
      }
      case 'reasoning':
        assistant([reasoningPart(item, at)]);
        break;
      case 'item_reference': {
        if (typeof item.id !== 'string') return fail(`'${at}.id' is required.`, `${at}.id`);
        const parts = await resolve(item.id);
        if (!parts) return fail(`'${at}' refers to an item that is not stored: '${item.id.slice(0, 64)}'.`, `${at}.id`, 'item_not_found');
        assistant(parts);
        break;
      }
      default:
        if (typeof type === 'string' && UNSUPPORTED_ITEMS.test(type)) {
          return fail(`'${at}.type' ${type} is not supported: this gateway serves messages, function calls and reasoning items.`, `${at}.type`);
        }
        return fail(`'${at}.type' must be message, function_call, function_call_output, custom_tool_call, custom_tool_call_output, reasoning or item_reference.`, `${at}.type`);
    }
  }
  return out;
}

/** Item ids of response `responseId` ("resp_<r>"): "<prefix>_<r>_<n>". */
export function itemId(prefix: 'msg' | 'fc' | 'ctc' | 'rs', responseId: string, n: number): string {
  return `${prefix}_${responseId.slice('resp_'.length)}_${n}`;
}

/** The response an item id belongs to and its position, or undefined for ids this gateway did not make. */
export function parseItemId(id: string): { responseId: string; n: number } | undefined {
  const m = /^(?:msg|fc|ctc|rs)_([A-Za-z0-9]{32})_(\d{1,4})$/.exec(id);
  return m ? { responseId: `resp_${m[1]}`, n: Number(m[2]) } : undefined;
}

/**
 * Canonical answer content as output items, in order: consecutive text parts share one message item,
 * each call and each reasoning part is an item of its own. `parts[i]` are the canonical parts of item i.
 */
export function outputItems(content: readonly AssistantPart[], responseId: string, includeEncrypted: boolean): { items: OutputItem[]; parts: AssistantPart[][] } {
  const items: OutputItem[] = [];
  const parts: AssistantPart[][] = [];
  let message: OutputMessage | undefined;
  for (const p of content) {
    if (p.type === 'text') {
      const text: OutputText = { type: 'output_text', text: p.text, annotations: [], logprobs: [] };
      if (message) {
        message.content.push(text);
        parts[parts.length - 1]!.push(p);
        continue;
      }
      message = { type: 'message', id: itemId('msg', responseId, items.length), role: 'assistant', status: 'completed', content: [text] };
      items.push(message);
      parts.push([p]);
      continue;
    }
    message = undefined;
    if (p.type === 'tool-call') {
      items.push(
        p.freeform
          ? { type: 'custom_tool_call', id: itemId('ctc', responseId, items.length), call_id: p.callId, name: p.name, input: p.arguments }
          : { type: 'function_call', id: itemId('fc', responseId, items.length), call_id: p.callId, name: p.name, arguments: p.arguments, status: 'completed' },
      );
    } else {
      items.push({
        type: 'reasoning',
        id: itemId('rs', responseId, items.length),
        summary: (p.summary ?? (p.text ? [p.text] : [])).map((text) => ({ type: 'summary_text', text })),
        ...(includeEncrypted && p.encrypted ? { encrypted_content: p.encrypted } : {}),
      });
    }
    parts.push([p]);
  }
  return { items, parts };
}

/** Canonical input messages back as input items (GET /v1/responses/{id}/input_items). */
export function inputItems(messages: readonly Message[]): InputItem[] {
  return messages.flatMap((m): InputItem[] => {
    switch (m.role) {
      case 'system':
        return [{ type: 'message', role: 'system', content: m.content.map((p) => ({ type: 'input_text', text: p.text })) }];
      case 'user':
        return [
          {
            type: 'message',
            role: 'user',
            content: m.content.map((p) =>
              p.type === 'text'
                ? { type: 'input_text' as const, text: p.text }
                : p.type === 'image'
                  ? { type: 'input_image' as const, image_url: p.source.kind === 'url' ? p.source.url : `data:${p.source.mediaType};base64,${p.source.data}`, detail: p.detail ?? 'auto' }
                  : { type: 'input_file' as const, ...(p.source.kind === 'url' ? { file_url: p.source.url } : { file_data: `data:${p.source.mediaType};base64,${p.source.data}` }) },
            ),
          },
        ];
      case 'assistant':
        return m.content.flatMap((p): InputItem[] =>
          p.type === 'text'
            ? [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: p.text, annotations: [] }] }]
            : p.type === 'tool-call'
              ? [p.freeform ? { type: 'custom_tool_call', call_id: p.callId, name: p.name, input: p.arguments } : { type: 'function_call', call_id: p.callId, name: p.name, arguments: p.arguments }]
              : [],
        );
      case 'tool':
        return m.content.map((r) => ({ type: 'function_call_output' as const, call_id: r.callId, output: r.content.map((c) => (c.type === 'text' ? c.text : '')).join('') }));
    }
  });
}
