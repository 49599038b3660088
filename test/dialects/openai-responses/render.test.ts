// The Responses stream encoder on its own: canonical parts in, OpenAI's semantic events out, each valid
// against its published schema, in OpenAI's order, with the items the final response holds.
import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../../../lambda/core/canonical/result';
import { usage } from '../../../lambda/core/canonical/usage';
import type { Served } from '../../../lambda/core/lifecycle';
import { parseResponsesRequest } from '../../../lambda/dialects/openai-responses/parse';
import { ResponsesStreamEncoder } from '../../../lambda/dialects/openai-responses/render';
import { encodeStream } from '../../../lambda/dialects/sse';
import { UpstreamError } from '../../../lambda/wire/errors';
import { findModel } from '../../helpers/catalog';
import { validator } from '../../helpers/openai-schemas';

const schema = validator();
const served: Served = { model: findModel('gpt-5')!, provider: 'openai', mode: 'explicit', reason: 'explicit: requested model', attempts: [] };
const { options } = parseResponsesRequest(JSON.stringify({ model: 'gpt-5', input: 'x', include: ['reasoning.encrypted_content'] }));

async function run(parts: StreamPart[], fail?: Error): Promise<Array<Record<string, unknown>>> {
  const saved: unknown[] = [];
  const encoder = new ResponsesStreamEncoder({ id: 'resp_0123456789abcdefABCDEF0123456789', createdAt: 1, options }, served, () => 2_000, () => 5, async (r) => {
    saved.push(r);
  });
  async function* source() {
    yield* parts;
    if (fail) throw fail;
  }
  let text = '';
  for await (const e of encodeStream(source(), encoder)) text += e;
  const events = text.split('\n\n').filter(Boolean).map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as Record<string, unknown>);
  for (const e of events) schema.assertEvent(e);
  if (!fail) expect(saved).toEqual([events.at(-1)?.response]);
  return events;
}

const answer: StreamPart[] = [
  { type: 'reasoning-start', index: 0, id: 'rs_up' },
  { type: 'reasoning-delta', index: 0, text: 'First ', summaryIndex: 0 },
  { type: 'reasoning-delta', index: 0, text: 'second', summaryIndex: 1 },
  { type: 'reasoning-end', index: 0, encrypted: 'gAAA' },
  { type: 'text-start', index: 1 },
  { type: 'text-delta', index: 1, text: 'Hello' },
  { type: 'text-end', index: 1 },
  { type: 'tool-input-start', index: 2, callId: 'call_1', name: 'f' },
  { type: 'tool-input-delta', index: 2, json: '{"a":1}' },
  { type: 'tool-input-end', index: 2 },
  { type: 'finish', reason: 'tool_calls', usage: usage({ inputTokens: 3, outputTokens: 9, reasoningTokens: 4 }) },
];

describe('ResponsesStreamEncoder', () => {
  it('emits the items in order with their summary parts, and a completed response holding them', async () => {
    const events = await run(answer);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const final = events.at(-1)?.response as { output: Array<Record<string, unknown>>; usage: Record<string, unknown> };
    expect(final.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(final.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'First ' }, { type: 'summary_text', text: 'second' }], encrypted_content: 'gAAA' });
    expect(final.usage).toMatchObject({ output_tokens_details: { reasoning_tokens: 4 } });
  });

  it('ends at the output cap with response.incomplete', async () => {
    const events = await run([{ type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'cut' }, { type: 'text-end', index: 0 }, { type: 'finish', reason: 'length', usage: usage({}) }]);
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
  });

  it('ends a stream that fails after it began with response.failed', async () => {
    const events = await run([{ type: 'text-start', index: 0 }, { type: 'text-delta', index: 0, text: 'half' }], new UpstreamError('openai ended the stream early', 'stream'));
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error', message: 'openai ended the stream early' } } });
  });
});
