import { readFileSync } from 'node:fs';
import { ModelStreamErrorException, ThrottlingException, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { accumulate } from '../../../lambda/core/canonical/accumulate';
import { guardStream } from '../../../lambda/core/canonical/guard';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { usage } from '../../../lambda/core/canonical/usage';
import { UpstreamError } from '../../../lambda/wire/errors';
import { fromConverseStream } from '../../../lambda/providers/bedrock/stream';
import { collect as collectAll } from '../../helpers/provider';

const events = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/bedrock/${name}`, import.meta.url), 'utf8')) as ConverseStreamOutput[];

/** Yields the events as the SDK would, then throws `failure` if given (the SDK throws stream exceptions). */
async function* sdk(list: ConverseStreamOutput[], failure?: Error): AsyncGenerator<ConverseStreamOutput> {
  for (const event of list) yield event;
  if (failure) throw failure;
}

const signal = new AbortController().signal;

/** The parts as the core receives them: the adapter's, through the guard every provider stream passes. */
const parts = (list: AsyncIterable<ConverseStreamOutput>) => guardStream(fromConverseStream(list, signal, 'bedrock'), 'bedrock', signal);
const collect = (list: AsyncIterable<ConverseStreamOutput>) => collectAll(parts(list));

async function failure(list: AsyncIterable<ConverseStreamOutput>): Promise<UpstreamError> {
  const seen: StreamPart[] = [];
  try {
    for await (const part of parts(list)) seen.push(part);
  } catch (err) {
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  }
  throw new Error(`expected a failure, got ${JSON.stringify(seen)}`);
}

describe('fromConverseStream', () => {
  it('turns the documented text stream into a text block, then the finish with the usage', async () => {
    expect(await collect(sdk(events('converse-stream-text.json')))).toEqual([
      { type: 'text-start', index: 0 },
      { type: 'text-delta', index: 0, text: ' Title' },
      { type: 'text-delta', index: 0, text: ':' },
      { type: 'text-delta', index: 0, text: ' The' },
      { type: 'text-end', index: 0 },
      { type: 'finish', reason: 'length', usage: usage({ inputTokens: 47, outputTokens: 20 }) },
    ]);
  });

  it('keeps Converse block indexes, a text block and then a tool call with streamed arguments', async () => {
    const result = accumulate(await collect(sdk(events('converse-stream-tool-use.json'))));
    expect(result).toEqual({
      content: [
        { type: 'text', text: 'Let me look up the top song on WZPZ.' },
        { type: 'tool-call', callId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'top_song', arguments: '{"sign": "WZPZ"}' },
      ],
      reason: 'tool_calls',
      usage: usage({ inputTokens: 375, outputTokens: 57 }),
    });
  });

  it('streams Claude reasoning text and its signature as one reasoning block', async () => {
    const list: ConverseStreamOutput[] = [
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'hmm' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'ok' } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { messageStop: { stopReason: 'end_turn' } },
      { metadata: { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 }, metrics: { latencyMs: 1 } } },
    ];
    expect(accumulate(await collect(sdk(list))).content).toEqual([{ type: 'reasoning', text: 'hmm', signature: 'sig' }, { type: 'text', text: 'ok' }]);
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

  it('treats a delta for a tool call that never started as malformed', async () => {
    const err = await failure(sdk([{ contentBlockDelta: { contentBlockIndex: 4, delta: { toolUse: { input: '{}' } } } }]));
    expect(err.upstream).toBe('malformed');
  });
});
