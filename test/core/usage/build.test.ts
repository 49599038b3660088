import { describe, expect, it } from 'vitest';
import { findModel } from '../../helpers/catalog';
import { type ModelSpec } from '../../../lambda/core/catalog';
import { usage } from '../../../lambda/core/canonical/usage';
import { buildRecord, type Observed } from '../../../lambda/core/usage/build';

const gpt41 = findModel('gpt-4.1') as ModelSpec;
const base: Observed = {
  requestId: 'req-1',
  completionId: 'chatcmpl-1',
  keyId: 'key_1',
  accountId: 'acct_1',
  dialect: 'openai-chat',
  requestedModel: 'gpt-4.1',
  stream: true,
  routingMode: 'explicit',
  routingReason: 'explicit: requested model',
  fallbacks: 0,
  served: { model: gpt41, provider: 'openai' },
  promptEstimate: 8,
  pieces: 5,
  started: Date.UTC(2026, 0, 15, 12),
  firstContentAt: Date.UTC(2026, 0, 15, 12) + 40,
  ended: Date.UTC(2026, 0, 15, 12) + 250,
  status: 'ok',
};

describe('usage record', () => {
  it('holds exactly the upstream usage report when there is one, priced from the catalog', () => {
    const r = buildRecord({ ...base, usage: usage({ inputTokens: 3, outputTokens: 11 }) });
    expect(r).toMatchObject({ promptTokens: 3, completionTokens: 11, totalTokens: 14, usageSource: 'upstream', modelUsed: 'gpt-4.1', provider: 'openai', dialect: 'openai-chat' });
    // gpt-4.1: $2 in, $8 out per 1M tokens.
    expect(r.costNanoUsd).toBe(3 * 2_000 + 11 * 8_000);
    expect(r.costUsd).toBeCloseTo(0.000094, 12);
    expect(r).toMatchObject({ latencyMs: 250, ttftMs: 40, startedAt: '2026-01-15T12:00:00.000Z', clientDisconnected: false });
  });

  it('prices cached and reasoning tokens as the provider reported them, cache reads at the cached price', () => {
    const r = buildRecord({ ...base, usage: usage({ inputTokens: 2_000, cacheReadTokens: 1_500, outputTokens: 100, reasoningTokens: 40 }) });
    expect(r).toMatchObject({ promptTokens: 2_000, cacheReadTokens: 1_500, cacheWriteTokens: 0, reasoningTokens: 40, completionTokens: 100 });
    // gpt-4.1: 500 uncached at $2, 1,500 cached at $0.50, 100 out at $8 (per 1M tokens).
    expect(r.costNanoUsd).toBe(500 * 2_000 + 1_500 * 500 + 100 * 8_000);
  });

  it('estimates a cut stream from the prompt estimate and the pieces the client received, and says so', () => {
    const r = buildRecord({ ...base, status: 'stream_error', errorCode: 'stream' });
    expect(r).toMatchObject({ promptTokens: 8, completionTokens: 5, totalTokens: 13, usageSource: 'estimated', status: 'stream_error', errorCode: 'stream' });
    expect(buildRecord({ ...base, status: 'client_disconnected' })).toMatchObject({ usageSource: 'estimated', clientDisconnected: true });
  });

  it('charges nothing when no route answered', () => {
    const { served: _served, ...rest } = base;
    const r = buildRecord({ ...rest, status: 'upstream_error', pieces: 0, firstContentAt: undefined });
    expect(r).toMatchObject({ promptTokens: 0, completionTokens: 0, totalTokens: 0, costNanoUsd: 0, usageSource: 'none', modelUsed: null, ttftMs: null });
  });
});
