// Turning a provider's deltas into canonical blocks, for wire formats that have no explicit block starts
// and stops (OpenAI chat chunks, Gemini chunks, Bedrock's text deltas): one block is open at a time; a
// delta of another kind (or for another tool call) ends it and starts the next. Block indexes count up
// from 0 in order of appearance.
import type { StreamPart } from '../core/canonical/result';
import { malformed } from './stream-json';

type Open = { kind: 'text'; index: number } | { kind: 'reasoning'; index: number } | { kind: 'tool'; index: number; key: string };

export class BlockSequencer {
  private next = 0;
  private open?: Open;
  private readonly closedTools = new Set<string>();

  constructor(private readonly provider: string) {}

  *text(text: string): Generator<StreamPart> {
    if (!text) return;
    if (this.open?.kind !== 'text') yield* this.start({ kind: 'text', index: this.next });
    yield { type: 'text-delta', index: this.open!.index, text };
  }

  *reasoning(text: string, signature?: string): Generator<StreamPart> {
    if (!text && !signature) return;
    if (this.open?.kind !== 'reasoning') yield* this.start({ kind: 'reasoning', index: this.next });
    const index = this.open!.index;
    if (text) yield { type: 'reasoning-delta', index, text };
    if (signature) yield { type: 'reasoning-signature', index, signature };
  }

  /** A tool call begins; `key` identifies it in later deltas (a wire index or id). */
  *toolStart(key: string, callId: string, name: string): Generator<StreamPart> {
    if (this.closedTools.has(key) || (this.open?.kind === 'tool' && this.open.key === key)) throw malformed(this.provider);
    yield* this.start({ kind: 'tool', index: this.next, key });
    yield { type: 'tool-input-start', index: this.open!.index, callId, name };
  }

  *toolDelta(key: string, json: string): Generator<StreamPart> {
    if (this.open?.kind !== 'tool' || this.open.key !== key) throw malformed(this.provider);
    if (json) yield { type: 'tool-input-delta', index: this.open.index, json };
  }

  /** True while the tool call with this key is the open block. */
  isOpenTool(key: string): boolean {
    return this.open?.kind === 'tool' && this.open.key === key;
  }

  /** Ends the open block, if any (before `finish`, or where the wire says a block ended). */
  *close(): Generator<StreamPart> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    if (open.kind === 'text') yield { type: 'text-end', index: open.index };
    else if (open.kind === 'reasoning') yield { type: 'reasoning-end', index: open.index };
    else {
      this.closedTools.add(open.key);
      yield { type: 'tool-input-end', index: open.index };
    }
  }

  private *start(block: Open): Generator<StreamPart> {
    yield* this.close();
    this.open = block;
    this.next++;
    if (block.kind === 'text') yield { type: 'text-start', index: block.index };
    else if (block.kind === 'reasoning') yield { type: 'reasoning-start', index: block.index };
  }
}
