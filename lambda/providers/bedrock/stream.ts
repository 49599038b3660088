// ConverseStream events (as the SDK yields them, already decoded from AWS event-stream frames) -> parts.
// Converse numbers every content block (contentBlockIndex) and says when each stops; text and reasoning
// blocks have no start event, so their first delta starts them.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { StreamPart } from '../../core/canonical/result';
import type { Usage } from '../../core/canonical/usage';
import { malformed } from '../stream-json';
import { streamException, toUpstreamError } from './errors';
import { finishReason, toUsage } from './response';

/** The exception an event carries in place of content, by its modelled name. */
function streamExceptionOf(event: ConverseStreamOutput): [string, { message?: string } | undefined] | undefined {
  if (event.internalServerException) return ['InternalServerException', event.internalServerException];
  if (event.modelStreamErrorException) return ['ModelStreamErrorException', event.modelStreamErrorException];
  if (event.throttlingException) return ['ThrottlingException', event.throttlingException];
  if (event.serviceUnavailableException) return ['ServiceUnavailableException', event.serviceUnavailableException];
  if (event.validationException) return ['ValidationException', event.validationException];
  return undefined;
}

type Kind = 'text' | 'reasoning' | 'tool';

/**
 * The stream is complete only after both messageStop and metadata: `finish` is yielded last, once.
 * Whatever the SDK throws while decoding (exceptions Bedrock sends inside the stream, a dropped connection)
 * becomes an UpstreamError.
 */
export async function* fromConverseStream(events: AsyncIterable<ConverseStreamOutput>, signal: AbortSignal, provider: string): AsyncGenerator<StreamPart> {
  const open = new Map<number, Kind>();
  let stop: string | undefined;
  let usage: Usage | undefined;
  const ensure = function* (index: number, kind: Kind): Generator<StreamPart> {
    const current = open.get(index);
    if (current === kind) return;
    if (current !== undefined) throw malformed(provider);
    open.set(index, kind);
    if (kind === 'text') yield { type: 'text-start', index };
    else if (kind === 'reasoning') yield { type: 'reasoning-start', index };
    else throw malformed(provider);
  };
  try {
    for await (const event of events) {
      const exception = streamExceptionOf(event);
      if (exception) throw streamException(provider, exception[0], exception[1]?.message);
      if (event.contentBlockStart) {
        const tool = event.contentBlockStart.start?.toolUse;
        const index = event.contentBlockStart.contentBlockIndex ?? 0;
        if (tool) {
          if (open.has(index)) throw malformed(provider);
          open.set(index, 'tool');
          yield { type: 'tool-input-start', index, callId: tool.toolUseId ?? '', name: tool.name ?? '' };
        }
      } else if (event.contentBlockDelta) {
        const index = event.contentBlockDelta.contentBlockIndex ?? 0;
        const delta = event.contentBlockDelta.delta;
        if (delta?.text !== undefined) {
          yield* ensure(index, 'text');
          if (delta.text) yield { type: 'text-delta', index, text: delta.text };
        } else if (delta?.toolUse) {
          if (open.get(index) !== 'tool') throw malformed(provider);
          if (delta.toolUse.input) yield { type: 'tool-input-delta', index, json: delta.toolUse.input };
        } else if (delta?.reasoningContent) {
          const r = delta.reasoningContent;
          if (r.redactedContent) {
            if (open.has(index)) throw malformed(provider);
            open.set(index, 'reasoning');
            yield { type: 'reasoning-start', index, redacted: Buffer.from(r.redactedContent).toString('base64') };
          } else {
            yield* ensure(index, 'reasoning');
            if (r.text) yield { type: 'reasoning-delta', index, text: r.text };
            if (r.signature) yield { type: 'reasoning-signature', index, signature: r.signature };
          }
        }
      } else if (event.contentBlockStop) {
        const index = event.contentBlockStop.contentBlockIndex ?? 0;
        const kind = open.get(index);
        open.delete(index);
        if (kind === 'text') yield { type: 'text-end', index };
        else if (kind === 'reasoning') yield { type: 'reasoning-end', index };
        else if (kind === 'tool') yield { type: 'tool-input-end', index };
      } else if (event.messageStop) {
        stop = event.messageStop.stopReason ?? 'end_turn';
      } else if (event.metadata) {
        usage = toUsage(event.metadata.usage);
      }
    }
  } catch (err) {
    throw toUpstreamError(err, signal, provider, true);
  }
  if (stop === undefined || !usage) return;
  // A block Converse never said stopped is over when the message is.
  for (const [index, kind] of open) yield kind === 'text' ? { type: 'text-end', index } : kind === 'reasoning' ? { type: 'reasoning-end', index } : { type: 'tool-input-end', index };
  yield { type: 'finish', reason: finishReason(stop), usage };
}
