// Anthropic stream events -> envelope-free OpenAI stream pieces.
// A stream is finished only at message_stop; the finish reason and then the usage are yielded there, so
// a stream that breaks off after message_delta still counts as cut.
import { UpstreamError } from '../../openai/errors';
import type { SseEvent } from '../../openai/sse';
import type { StreamPiece } from '../../openai/types';
import { streamCut } from '../http';
import { finishReason, promptTokens, usageOf } from './response';
import type { StopReason, StreamEvent, ToolUseBlock } from './wire';

function parse(event: SseEvent, provider: string): StreamEvent {
  try {
    return JSON.parse(event.data) as StreamEvent;
  } catch (err) {
    throw new UpstreamError(`${provider} sent a malformed stream event`, 'stream', { cause: err });
  }
}

export async function* fromAnthropicEvents(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<StreamPiece> {
  let input = 0;
  let output = 0;
  let stop: StopReason | null | undefined;
  /** OpenAI numbers tool calls 0, 1, ...; Anthropic numbers every content block. Block index -> call index. */
  const toolIndex = new Map<number, number>();

  for await (const raw of events) {
    const event = parse(raw, provider);
    switch (event.type) {
      case 'message_start':
        input = promptTokens(event.message.usage);
        output = event.message.usage?.output_tokens ?? 0;
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'tool_use') {
          const { id, name } = block as ToolUseBlock;
          const index = toolIndex.size;
          toolIndex.set(event.index, index);
          yield { delta: { tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] } };
        } else if (block.type === 'text' && 'text' in block && block.text) {
          yield { delta: { content: block.text } };
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta' && 'text' in delta && delta.text) {
          yield { delta: { content: delta.text } };
        } else if (delta.type === 'input_json_delta' && 'partial_json' in delta && delta.partial_json) {
          const index = toolIndex.get(event.index);
          if (index !== undefined) yield { delta: { tool_calls: [{ index, function: { arguments: delta.partial_json } }] } };
        }
        // thinking_delta, signature_delta, citations_delta: nothing OpenAI's chunk format can carry.
        break;
      }
      case 'message_delta':
        if (event.delta.stop_reason !== undefined) stop = event.delta.stop_reason;
        // message_delta usage is cumulative; newer API versions repeat the input counts there too.
        if (event.usage?.output_tokens !== undefined) output = event.usage.output_tokens;
        if (event.usage?.input_tokens !== undefined) input = promptTokens(event.usage);
        break;
      case 'message_stop':
        yield { finishReason: finishReason(stop) };
        yield { usage: usageOf(input, output) };
        return;
      case 'error':
        throw new UpstreamError(`${provider} failed mid-stream: ${event.error?.type ?? 'error'}: ${event.error?.message ?? ''}`, 'stream');
      default:
        // ping, content_block_stop, and event types added later: nothing to translate.
        break;
    }
  }
  throw streamCut(provider);
}
