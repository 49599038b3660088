// Deterministic answers for the provider simulator. The same prompt always gets the same answer, and the
// usage it reports matches what it emits: one "token" is one emitted piece (a word with its leading space),
// and prompt tokens are counted the same way over the prompt's text.

/** A request in protocol-neutral form: what every simulator protocol module parses its wire format into. */
export interface SimRequest {
  model: string;
  /** The text of each message in order; tool results are role "tool". */
  messages: Array<{ role: 'system' | 'user' | 'assistant' | 'tool'; text: string }>;
  tools: Array<{ name: string; parameters?: Record<string, unknown> }>;
  maxTokens?: number;
  /** 'json' for a JSON object answer; a schema for structured output. */
  json?: true | Record<string, unknown>;
}

export interface SimAnswer {
  /** Text pieces; joined they are the answer. Empty when the answer is a tool call. */
  pieces: string[];
  toolCall?: { id: string; name: string; arguments: string };
  finish: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  completionTokens: number;
}

/** Counts tokens the way the simulator emits them: whitespace-separated words. */
export function countTokens(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const FILLER = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function splitPieces(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word : ` ${word}`));
}

/** A value of the schema's shape, so structured output parses and has every required property. */
function sample(schema: Record<string, unknown> | undefined, seed: string): unknown {
  const type = schema?.type;
  if (type === 'object' || (schema && typeof schema.properties === 'object')) {
    const props = (schema?.properties ?? {}) as Record<string, Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(props)) out[name] = sample(sub, `${seed}.${name}`);
    return out;
  }
  if (type === 'array') return [sample(schema?.items as Record<string, unknown> | undefined, `${seed}[]`)];
  if (type === 'integer' || type === 'number') return hash(seed) % 100;
  if (type === 'boolean') return hash(seed) % 2 === 0;
  if (Array.isArray(schema?.enum)) return (schema.enum as unknown[])[0];
  return FILLER[hash(seed) % FILLER.length];
}

export function answer(req: SimRequest): SimAnswer {
  const promptTokens = req.messages.reduce((sum, m) => sum + countTokens(m.text), 0) + req.messages.length;
  const last = req.messages[req.messages.length - 1];
  const lastText = last?.text ?? '';

  // A tool is called when one is offered and the last user message names it or asks for a tool.
  if (last?.role === 'user' && req.tools.length > 0) {
    const lower = lastText.toLowerCase();
    const tool = req.tools.find((t) => lower.includes(t.name.toLowerCase())) ?? (/\btool\b/.test(lower) ? req.tools[0] : undefined);
    if (tool) {
      const args = JSON.stringify(sample(tool.parameters ?? { type: 'object' }, lastText));
      return {
        pieces: [],
        toolCall: { id: `call_${hash(lastText + tool.name).toString(36)}`, name: tool.name, arguments: args },
        finish: 'tool_calls',
        promptTokens,
        completionTokens: countTokens(args) + 1,
      };
    }
  }

  let text: string;
  if (req.json) {
    text = JSON.stringify(req.json === true ? { answer: `simulated reply to ${countTokens(lastText)} words` } : sample(req.json, lastText));
  } else if (last?.role === 'tool') {
    text = `The tool returned: ${lastText}`;
  } else {
    const words = lastText.split(/\s+/).filter(Boolean).slice(0, 12).join(' ');
    const fill = Array.from({ length: 4 + (hash(lastText) % 8) }, (_, i) => FILLER[(hash(lastText) + i) % FILLER.length]);
    text = `Simulated ${req.model} reply to: ${words}. ${fill.join(' ')}.`;
  }
  let pieces = splitPieces(text);
  let finish: SimAnswer['finish'] = 'stop';
  if (req.maxTokens !== undefined && pieces.length > req.maxTokens) {
    pieces = pieces.slice(0, req.maxTokens);
    finish = 'length';
  }
  return { pieces, finish, promptTokens, completionTokens: pieces.length };
}
