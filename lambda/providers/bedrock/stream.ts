// ConverseStream events (as the SDK yields them, already decoded from AWS event-stream frames) -> pieces.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { StreamPiece, Usage } from '../../openai/types';
import { streamCut } from '../http';
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

/**
 * Text deltas become content, tool-use blocks become tool_calls numbered in order of appearance (OpenAI's
 * index counts calls, Bedrock's contentBlockIndex counts every block). The stream is complete only after
 * both messageStop and metadata: usage is yielded last, once. Whatever the SDK throws while decoding
 * (exceptions Bedrock sends inside the stream, a dropped connection) becomes an UpstreamError.
 */
export async function* fromConverseStream(
  events: AsyncIterable<ConverseStreamOutput>,
  signal: AbortSignal,
  provider: string,
): AsyncGenerator<StreamPiece> {
  const toolIndex = new Map<number, number>();
  let stopped = false;
  let usage: Usage | undefined;
  try {
    for await (const event of events) {
      const exception = streamExceptionOf(event);
      if (exception) throw streamException(provider, exception[0], exception[1]?.message);
      if (event.contentBlockStart) {
        const tool = event.contentBlockStart.start?.toolUse;
        if (tool) {
          const index = toolIndex.size;
          toolIndex.set(event.contentBlockStart.contentBlockIndex ?? index, index);
          yield {
            delta: { tool_calls: [{ index, id: tool.toolUseId ?? '', type: 'function', function: { name: tool.name ?? '', arguments: '' } }] },
          };
        }
      } else if (event.contentBlockDelta) {
        const delta = event.contentBlockDelta.delta;
        if (delta?.text) {
          yield { delta: { content: delta.text } };
        } else if (delta?.toolUse?.input) {
          const index = toolIndex.get(event.contentBlockDelta.contentBlockIndex ?? -1);
          if (index === undefined) throw streamCut(provider);
          yield { delta: { tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] } };
        }
      } else if (event.messageStop) {
        stopped = true;
        yield { finishReason: finishReason(event.messageStop.stopReason) };
      } else if (event.metadata) {
        usage = toUsage(event.metadata.usage);
      }
    }
  } catch (err) {
    throw toUpstreamError(err, signal, provider, true);
  }
  if (!stopped || !usage) throw streamCut(provider);
  yield { usage };
}
