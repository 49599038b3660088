// Folds a stream of parts into the whole answer it amounts to: the Responses and Messages dialects need it
// for their final events, the lifecycle to check structured output, tests to compare streams with answers.
import type { AssistantPart, ReasoningPart, TextPart, ToolCallPart } from './content';
import type { CanonicalResult, Finish, StreamPart } from './result';
import { NO_USAGE, type Usage } from './usage';

export class StreamAccumulator {
  private readonly blocks = new Map<number, AssistantPart>();
  private readonly order: number[] = [];
  private finish?: Finish & { usage: Usage };
  startUsage?: Partial<Usage>;

  add(part: StreamPart): void {
    switch (part.type) {
      case 'stream-start':
        this.startUsage = part.usage;
        return;
      case 'text-start':
        return this.open(part.index, { type: 'text', text: '' });
      case 'text-delta':
        (this.get(part.index, 'text') as TextPart).text += part.text;
        return;
      case 'reasoning-start':
        return this.open(part.index, { type: 'reasoning', text: '', ...(part.id ? { id: part.id } : {}), ...(part.redacted !== undefined ? { redacted: part.redacted } : {}) });
      case 'reasoning-delta': {
        const r = this.get(part.index, 'reasoning') as ReasoningPart;
        if (part.summaryIndex !== undefined) {
          r.summary ??= [];
          // A new summary part is separated from the previous one in the plain text, as OpenAI shows them.
          if (r.summary[part.summaryIndex] === undefined && r.text) r.text += '\n\n';
          r.summary[part.summaryIndex] = (r.summary[part.summaryIndex] ?? '') + part.text;
        }
        r.text += part.text;
        return;
      }
      case 'reasoning-signature': {
        const r = this.get(part.index, 'reasoning') as ReasoningPart;
        r.signature = (r.signature ?? '') + part.signature;
        return;
      }
      case 'reasoning-end':
        if (part.encrypted !== undefined) (this.get(part.index, 'reasoning') as ReasoningPart).encrypted = part.encrypted;
        return;
      case 'tool-input-start':
        return this.open(part.index, {
          type: 'tool-call',
          callId: part.callId,
          name: part.name,
          arguments: '',
          ...(part.itemId ? { itemId: part.itemId } : {}),
          ...(part.freeform ? { freeform: true as const } : {}),
        });
      case 'tool-input-delta':
        (this.get(part.index, 'tool-call') as ToolCallPart).arguments += part.json;
        return;
      case 'text-end':
      case 'tool-input-end':
        return;
      case 'finish':
        this.finish = { reason: part.reason, usage: part.usage ?? NO_USAGE, ...(part.stopSequence !== undefined ? { stopSequence: part.stopSequence } : {}) };
        return;
    }
  }

  /** The content so far, blocks in order of appearance. */
  content(): AssistantPart[] {
    return this.order.map((i) => this.blocks.get(i) as AssistantPart);
  }

  get finished(): boolean {
    return this.finish !== undefined;
  }

  result(): CanonicalResult {
    const finish = this.finish ?? { reason: 'stop' as const, usage: NO_USAGE };
    return { content: this.content(), ...finish };
  }

  private open(index: number, block: AssistantPart): void {
    if (this.blocks.has(index)) throw new StreamOrderError(`block ${index} started twice`);
    this.blocks.set(index, block);
    this.order.push(index);
  }

  private get(index: number, type: AssistantPart['type']): AssistantPart {
    const block = this.blocks.get(index);
    if (!block || block.type !== type) throw new StreamOrderError(`a ${type} delta for block ${index}, which is not an open ${type} block`);
    return block;
  }
}

/** A stream that breaks the part invariants (a provider adapter's bug, or an upstream's). */
export class StreamOrderError extends Error {}

export function accumulate(parts: Iterable<StreamPart>): CanonicalResult {
  const acc = new StreamAccumulator();
  for (const p of parts) acc.add(p);
  return acc.result();
}

/** The answer's visible text. */
export function resultText(content: readonly AssistantPart[]): string {
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}
