// The hand-written Messages schemas (test/fixtures/anthropic/schemas.json) hold up against Anthropic's own
// documented examples, so the tests that validate the gateway's answers with them mean something.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anthropicValidator } from '../../helpers/anthropic-schemas';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), 'utf8');
const sseData = (text: string) => text.split('\n\n').filter((e) => e.trim()).map((e) => JSON.parse(/^data: (.*)$/m.exec(e)![1]!) as unknown);
const schemas = anthropicValidator();

describe('the Anthropic schemas', () => {
  it('accept the documented message and error examples', () => {
    schemas.assert('Message', JSON.parse(fixture('message-text.json')));
    schemas.assert('ErrorResponse', JSON.parse(fixture('error-not-found.json')));
  });

  it.each(['stream-text.sse', 'stream-tool-use.sse', 'stream-thinking.sse', 'stream-error.sse'])('accept every event of %s', (name) => {
    const events = sseData(fixture(name));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) schemas.assert('StreamEvent', e);
  });

  it('reject what the API never sends', () => {
    const message = JSON.parse(fixture('message-text.json')) as Record<string, unknown>;
    expect(() => schemas.assert('Message', { ...message, stop_reason: 'stop' })).toThrow(/schema violation/);
    expect(() => schemas.assert('Message', { ...message, content: [{ type: 'tool_use', id: 'x', name: 'f', input: '{}' }] })).toThrow(/schema violation/);
    expect(() => schemas.assert('StreamEvent', { type: 'content_block_delta', index: 0, delta: { type: 'text', text: 'x' } })).toThrow(/schema violation/);
    expect(() => schemas.assert('ErrorResponse', { error: { message: 'x', type: 'invalid_request_error' } })).toThrow(/schema violation/);
  });
});
