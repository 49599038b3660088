// Deterministic answers for the provider simulator. The same prompt always gets the same answer, and the
// usage it reports matches what it emits: one "token" is one emitted piece (a word with its leading space),
// and prompt tokens are counted the same way over the prompt's text. Like the real providers it follows the
// tool choice, answers structured output with JSON valid against the schema, thinks (with a verifiable
// signature) when Claude's thinking is on, spends reasoning tokens on reasoning models, and reports cached
// prompt tokens when a prompt prefix repeats (see cache.ts).
import { hash, sampleSchema } from './schema-sample';

/** A request in protocol-neutral form: what every simulator protocol module parses its wire format into. */
export interface SimRequest {
  model: string;
  /** The text of each message in order; tool results are role "tool". */
  messages: Array<{ role: 'system' | 'user' | 'assistant' | 'tool'; text: string }>;
  tools: Array<{ name: string; parameters?: Record<string, unknown> }>;
  toolChoice?: { type: 'auto' | 'none' | 'required' } | { type: 'tool'; name: string };
  maxTokens?: number;
  /** 'json' for a JSON object answer; a schema for structured output. */
  json?: true | Record<string, unknown>;
  /** Anthropic-style thinking: the answer starts with a thinking block (signed). */
  thinking?: boolean;
  /** Reasoning the model does without showing it (OpenAI's, DeepSeek's, Gemini's): tokens, and a summary. */
  reasoning?: boolean;
  /** Prompt tokens the provider's cache already held, and wrote, for this prompt (cache.ts). */
  cache?: { read: number; write: number };
}

export interface SimAnswer {
  /** Text pieces; joined they are the answer. Empty when the answer is a tool call. */
  pieces: string[];
  toolCall?: { id: string; name: string; arguments: string };
  thinking?: { pieces: string[]; signature: string };
  /** For reasoning models: a summary of the hidden reasoning, for protocols that show one. */
  reasoningSummary?: string[];
  finish: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  /** Every output token: the pieces, the thinking, and reasoning tokens. */
  completionTokens: number;
  reasoningTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Counts tokens the way the simulator emits them: whitespace-separated words. */
export function countTokens(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

const FILLER = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function splitPieces(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word : ` ${word}`));
}

/** What signing a thought looks like: anything that changes the thought changes the signature. */
export function signThought(text: string): string {
  return `simsig_${hash(`thought:${text}`).toString(36)}${hash(`${text}:thought`).toString(36)}`;
}

export function promptTokensOf(req: Pick<SimRequest, 'messages'>): number {
  return req.messages.reduce((sum, m) => sum + countTokens(m.text), 0) + req.messages.length;
}

function chosenTool(req: SimRequest, lastText: string): SimRequest['tools'][number] | undefined {
  const choice = req.toolChoice;
  if (!req.tools.length || choice?.type === 'none') return undefined;
  if (choice?.type === 'tool') return req.tools.find((t) => t.name === choice.name);
  const lower = lastText.toLowerCase();
  const named = req.tools.find((t) => lower.includes(t.name.toLowerCase()));
  if (named) return named;
  if (choice?.type === 'required' || /\btool\b/.test(lower)) return req.tools[0];
  return undefined;
}

export function answer(req: SimRequest): SimAnswer {
  const promptTokens = promptTokensOf(req);
  const last = req.messages[req.messages.length - 1];
  const lastText = last?.text ?? '';
  const cacheReadTokens = req.cache?.read ?? 0;
  const cacheWriteTokens = req.cache?.write ?? 0;
  // The output cap bounds every output token, hidden reasoning and thinking included (OpenAI's
  // max_completion_tokens, Anthropic's max_tokens): what they spend first, the visible answer cannot.
  const cap = req.maxTokens ?? Infinity;
  const reasoningTokens = req.reasoning ? Math.min(8 + (hash(lastText) % 24), cap) : 0;
  const thinking = req.thinking
    ? (() => {
        const pieces = splitPieces(`Considering: ${lastText.split(/\s+/).filter(Boolean).slice(0, 8).join(' ')}`).slice(0, Math.max(0, cap - reasoningTokens));
        return { pieces, signature: signThought(pieces.join('')) };
      })()
    : undefined;
  const extra = reasoningTokens + (thinking?.pieces.length ?? 0);
  const room = cap - extra;
  const summary = req.reasoning ? splitPieces(`Reasoned about: ${lastText.split(/\s+/).filter(Boolean).slice(0, 6).join(' ')}`) : undefined;
  const base = { promptTokens, reasoningTokens, cacheReadTokens, cacheWriteTokens, ...(thinking ? { thinking } : {}), ...(summary ? { reasoningSummary: summary } : {}) };

  // A tool is called when the tool choice requires one, or when one is offered and the last user message
  // names it or asks for a tool; a tool result is answered in words.
  if (last?.role !== 'tool' || req.toolChoice?.type === 'tool' || req.toolChoice?.type === 'required') {
    const tool = chosenTool(req, last?.role === 'user' ? lastText : '');
    if (tool) {
      const args = JSON.stringify(sampleSchema(tool.parameters ?? { type: 'object' }, lastText));
      return {
        ...base,
        pieces: [],
        toolCall: { id: `call_${hash(lastText + tool.name).toString(36)}`, name: tool.name, arguments: args },
        finish: 'tool_calls',
        completionTokens: countTokens(args) + 1 + extra,
      };
    }
  }

  let text: string;
  if (req.json) {
    text = JSON.stringify(req.json === true ? { answer: `simulated reply to ${countTokens(lastText)} words` } : sampleSchema(req.json, lastText));
  } else if (last?.role === 'tool') {
    text = `The tool returned: ${lastText}`;
  } else {
    const words = lastText.split(/\s+/).filter(Boolean).slice(0, 12).join(' ');
    const fill = Array.from({ length: 4 + (hash(lastText) % 8) }, (_, i) => FILLER[(hash(lastText) + i) % FILLER.length]);
    text = `Simulated ${req.model} reply to: ${words}. ${fill.join(' ')}.`;
  }
  // JSON has no spaces to split at: it goes out in runs of about a token's length (four characters).
  let pieces = req.json ? (text.match(/[\s\S]{1,4}/g) ?? []) : splitPieces(text);
  let finish: SimAnswer['finish'] = 'stop';
  // JSON is cut like any text, as a provider's would be: what does not parse then ends with `length`.
  if (pieces.length > room) {
    pieces = pieces.slice(0, room);
    finish = 'length';
  }
  return { ...base, pieces, finish, completionTokens: pieces.length + extra };
}
