import { readFileSync } from 'node:fs';
import { ModelStreamErrorException, ThrottlingException, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../lambda/openai/errors';
import type { StreamPiece } from '../../../lambda/openai/types';
import { fromConverseStream } from '../../../lambda/providers/bedrock/stream';
import { collect as collectAll } from '../../helpers/provider';

const events = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8')) as ConverseStreamOutput[];

/** Yields the events as the SDK would, then throws `failure` if given (the SDK throws stream exceptions). */
async function* sdk(list: ConverseStreamOutput[], failure?: Error): AsyncGenerator<ConverseStreamOutput> {
  for (const event of list) yield event;
  if (failure) throw failure;
}

const signal = new AbortController().signal;

const collect = (list: AsyncIterable<ConverseStreamOutput>) => collectAll(fromConverseStream(list, signal, 'bedrock'));

async function failure(list: AsyncIterable<ConverseStreamOutput>): Promise<UpstreamError> {
  const pieces: StreamPiece[] = [];
  try {
    for await (const piece of fromConverseStream(list, signal, 'bedrock')) pieces.push(piece);
  } catch (err) {
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error(`expected a failure, got ${JSON.stringify(pieces)}`);
}

describe('fromConverseStream', () => {
  it('turns the documented text stream into content pieces, then the finish reason, then usage', async () => {
    expect(await collect(sdk(events('converse-stream-text.json')))).toEqual([
      { delta: { content: ' Title' } },
      { delta: { content: ':' } },
      { delta: { content: ' The' } },
      { finishReason: 'length' },
      { usage: { prompt_tokens: 47, completion_tokens: 20, total_tokens: 67 } },
    ]);
  });

  it('numbers tool calls by call, not by content block, and streams their arguments', async () => {
    const pieces = await collect(sdk(events('converse-stream-tool-use.json')));
    expect(pieces).toEqual([
      { delta: { content: 'Let me look up the top song on WZPZ.' } },
      { delta: { tool_calls: [{ index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '' } }] } },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '{"sign": ' } }] } },
      { delta: { tool_calls: [{ index: 0, function: { arguments: '"WZPZ"}' } }] } },
      { finishReason: 'tool_calls' },
      { usage: { prompt_tokens: 375, completion_tokens: 57, total_tokens: 432 } },
    ]);
    const args = pieces.map((p) => p.delta?.tool_calls?.[0]?.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ sign: 'WZPZ' });
  });

  it('treats a stream that ends before messageStop or before metadata as cut', async () => {
    const list = events('converse-stream-text.json');
    const noStop = list.filter((e) => !e.messageStop);
    const noMetadata = list.filter((e) => !e.metadata);
    for (const partial of [noStop, noMetadata, list.slice(0, 3)]) {
      const err = await failure(sdk(partial));
      expect(err.upstream).toBe('stream');
      expect(err.retryable).toBe(true);
    }
  });

  it('fails with the exception Bedrock sends inside the stream, keeping its retry class', async () => {
    const head = events('converse-stream-text.json').slice(0, 3);
    const throttled = await failure(sdk(head, new ThrottlingException({ message: 'slow down', $metadata: {} })));
    expect(throttled.upstream).toBe(429);
    expect(throttled.retryable).toBe(true);

    const modelError = await failure(sdk(head, new ModelStreamErrorException({ message: 'model broke', $metadata: {} })));
    expect(modelError.upstream).toBe('stream');
    expect(modelError.retryable).toBe(true);

    const asMember = await failure(sdk([...head, { validationException: { message: 'bad input' } } as ConverseStreamOutput]));
    expect(asMember.upstream).toBe(400);
    expect(asMember.retryable).toBe(false);
  });

  it('treats a dropped connection mid-stream as a cut stream', async () => {
    const head = events('converse-stream-text.json').slice(0, 3);
    const err = await failure(sdk(head, Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
    expect(err.upstream).toBe('stream');
    expect(err.message).toBe('bedrock ended the stream early');
  });
});
