// Every provider stream passes through here on its way into the core: the part invariants of result.ts are
// checked, and whatever goes wrong inside an adapter that is not already a GatewayError (a TypeError on an
// event of an unexpected shape, say) becomes an upstream failure. So a provider that misbehaves falls
// back before the first byte and ends the stream with an error event after it, never a 500.
import { GatewayError, UpstreamError } from '../../wire/errors';
import type { StreamPart } from './result';

type BlockKind = 'text' | 'reasoning' | 'tool';

const KIND: Partial<Record<StreamPart['type'], [BlockKind, 'start' | 'delta' | 'end']>> = {
  'text-start': ['text', 'start'],
  'text-delta': ['text', 'delta'],
  'text-end': ['text', 'end'],
  'reasoning-start': ['reasoning', 'start'],
  'reasoning-delta': ['reasoning', 'delta'],
  'reasoning-signature': ['reasoning', 'delta'],
  'reasoning-end': ['reasoning', 'end'],
  'tool-input-start': ['tool', 'start'],
  'tool-input-delta': ['tool', 'delta'],
  'tool-input-end': ['tool', 'end'],
};

export function streamCut(provider: string): UpstreamError {
  return new UpstreamError(`${provider} ended the stream early`, 'stream');
}

function broken(provider: string, what: string, cause?: unknown): UpstreamError {
  return new UpstreamError(`${provider} sent a malformed stream (${what})`, 'malformed', { cause });
}

export async function* guardStream(parts: AsyncIterable<StreamPart>, provider: string, signal: AbortSignal): AsyncGenerator<StreamPart> {
  const open = new Map<number, BlockKind>();
  const used = new Set<number>();
  let finished = false;
  let first = true;
  try {
    for await (const part of parts) {
      if (finished) throw broken(provider, 'content after the end');
      if (part.type === 'stream-start') {
        if (!first) throw broken(provider, 'a late stream start');
      } else if (part.type === 'finish') {
        if (open.size) throw broken(provider, 'a block left open at the end');
        finished = true;
      } else {
        const [kind, phase] = KIND[part.type] as [BlockKind, 'start' | 'delta' | 'end'];
        const index = part.index;
        if (phase === 'start') {
          if (used.has(index)) throw broken(provider, `block ${index} started twice`);
          used.add(index);
          open.set(index, kind);
        } else if (open.get(index) !== kind) {
          throw broken(provider, `a ${part.type} for block ${index}, which is not an open ${kind} block`);
        } else if (phase === 'end') {
          open.delete(index);
        }
      }
      first = false;
      yield part;
    }
  } catch (err) {
    if (err instanceof GatewayError || signal.aborted) throw err;
    throw broken(provider, err instanceof Error ? err.name : 'unreadable', err);
  }
  if (!finished) throw streamCut(provider);
}
