// Calls of freeform tools, as the dialects expect them whatever the provider: raw text input. A provider
// that speaks freeform tools (OpenAI's Responses API) marks its calls; one that only has function tools
// answers with {"input": "..."} (providers/freeform.ts), which is unwrapped here, in one place. A streamed
// call's input is held until the call ends, since JSON cannot be unwrapped piece by piece.
import type { AssistantPart } from './content';
import type { CanonicalRequest } from './request';
import type { CanonicalResult, StreamPart } from './result';

export function freeformNames(request: CanonicalRequest): ReadonlySet<string> {
  return new Set((request.tools ?? []).filter((t) => t.freeform).map((t) => t.name));
}

function unwrap(args: string): string {
  try {
    const v = JSON.parse(args) as { input?: unknown };
    if (typeof v?.input === 'string') return v.input;
  } catch {
    // A model that answered the function with something else: its text is the best input there is.
  }
  return args;
}

export function freeformResult(result: CanonicalResult, names: ReadonlySet<string>): CanonicalResult {
  if (!names.size) return result;
  const content = result.content.map((p): AssistantPart => (p.type === 'tool-call' && names.has(p.name) && !p.freeform ? { ...p, arguments: unwrap(p.arguments), freeform: true } : p));
  return { ...result, content };
}

export async function* freeformStream(parts: AsyncIterable<StreamPart>, names: ReadonlySet<string>): AsyncGenerator<StreamPart> {
  if (!names.size) {
    yield* parts;
    return;
  }
  const held = new Map<number, string>();
  for await (const part of parts) {
    if (part.type === 'tool-input-start' && names.has(part.name) && !part.freeform) {
      held.set(part.index, '');
      yield { ...part, freeform: true };
    } else if (part.type === 'tool-input-delta' && held.has(part.index)) {
      held.set(part.index, held.get(part.index)! + part.json);
    } else if (part.type === 'tool-input-end' && held.has(part.index)) {
      yield { type: 'tool-input-delta', index: part.index, json: unwrap(held.get(part.index)!) };
      held.delete(part.index);
      yield part;
    } else {
      yield part;
    }
  }
}
