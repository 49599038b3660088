// What a provider hands back: a whole answer, or a stream of parts. Stream invariants (providers keep
// them, dialects rely on them): every block has a distinct `index` in order of appearance; a block's
// start comes before its deltas and its end after them; `finish` is the last part and comes exactly once,
// after every block has ended. A stream that breaks any of these is an upstream failure.
import type { AssistantPart } from './content';
import type { Usage } from './usage';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Finish {
  reason: FinishReason;
  /** The stop sequence that ended the answer, when one did. */
  stopSequence?: string;
}

export interface CanonicalResult extends Finish {
  content: AssistantPart[];
  usage: Usage;
}

export type StreamPart =
  /** Optional, first: what the provider knew when the answer began (Anthropic reports input usage here). */
  | { type: 'stream-start'; usage?: Partial<Usage> }
  | { type: 'text-start'; index: number }
  | { type: 'text-delta'; index: number; text: string }
  | { type: 'text-end'; index: number }
  /** `redacted`: encrypted reasoning with no text (Anthropic's redacted_thinking). */
  | { type: 'reasoning-start'; index: number; id?: string; redacted?: string }
  /** `summaryIndex`: OpenAI's reasoning summaries come in numbered parts; other providers leave it out. */
  | { type: 'reasoning-delta'; index: number; text: string; summaryIndex?: number }
  | { type: 'reasoning-signature'; index: number; signature: string }
  | { type: 'reasoning-end'; index: number; encrypted?: string }
  /** `freeform`: the input that follows is a freeform tool's raw text, not JSON. */
  | { type: 'tool-input-start'; index: number; callId: string; name: string; itemId?: string; freeform?: true }
  | { type: 'tool-input-delta'; index: number; json: string }
  | { type: 'tool-input-end'; index: number }
  /** `usage` is the provider's report; the lifecycle fills in an estimate where a provider sent none. */
  | ({ type: 'finish'; usage?: Usage } & Finish);

/** Parts that carry content (blocks and their deltas), as opposed to the stream's own start and end. */
export function isContent(part: StreamPart): boolean {
  return part.type !== 'stream-start' && part.type !== 'finish';
}

/**
 * Parts that carry something the model generated: the first of them is the answer's first token. A block
 * start is not one (a provider may open a block and stall), except where it carries content itself.
 */
export function isToken(part: StreamPart): boolean {
  switch (part.type) {
    case 'text-delta':
    case 'reasoning-delta':
    case 'reasoning-signature':
    case 'tool-input-start':
    case 'tool-input-delta':
      return true;
    case 'reasoning-start':
      return part.redacted !== undefined;
    default:
      return false;
  }
}
