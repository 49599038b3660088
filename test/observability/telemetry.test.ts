// The edge telemetry: one JSON log line per request and EMF metrics per route, as written to stdout
// and stderr (Lambda hands both to CloudWatch). Both are captured, so nothing reaches the test output.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { RequestReport } from '../../lambda/core/telemetry';
import { createTelemetry } from '../../lambda/observability/telemetry';

let lines: string[];
let spies: MockInstance[];

beforeEach(() => {
  lines = [];
  spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    }),
  );
});
afterEach(() => spies.forEach((s) => s.mockRestore()));

const report: RequestReport = {
  requestId: 'req-1',
  method: 'POST',
  path: '/v1/chat/completions',
  status: 200,
  outcome: 'ok',
  mode: 'quality',
  requested: 'auto',
  reason: 'quality: best quality of 16 capable',
  candidates: ['gpt-5', 'gemini-2.5-pro'],
  model: 'claude-sonnet-4',
  provider: 'bedrock',
  attempts: [
    { provider: 'anthropic', model: 'claude-sonnet-4', outcome: '503', ms: 12 },
    { provider: 'bedrock', model: 'claude-sonnet-4', outcome: 'ok', ms: 40, ttftMs: 35 },
  ],
  fallbacks: 1,
  stream: true,
  latencyMs: 57,
  ttftMs: 35,
};

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [k: string]: unknown;
}

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const emf = () => parsed().filter((l): l is Emf => '_aws' in l);

describe('createTelemetry', () => {
  it('writes one structured log line per request with routing, attempts and latency', () => {
    createTelemetry({ logLevel: 'INFO', metrics: false }).request(report);
    const logs = parsed();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'INFO',
      message: 'request',
      service: 'originalpoint',
      requestId: 'req-1',
      mode: 'quality',
      candidates: ['gpt-5', 'gemini-2.5-pro'],
      reason: 'quality: best quality of 16 capable',
      model: 'claude-sonnet-4',
      provider: 'bedrock',
      attempts: report.attempts,
      fallbacks: 1,
      latencyMs: 57,
    });
  });

  it('publishes EMF metrics per route: latency, TTFT, errors and fallbacks', () => {
    createTelemetry({ logLevel: 'SILENT', metrics: true }).request(report);
    const blobs = emf();
    const anthropic = blobs.find((b) => b.provider === 'anthropic');
    const bedrock = blobs.find((b) => b.provider === 'bedrock');
    expect(anthropic?._aws.CloudWatchMetrics[0]?.Namespace).toBe('OriginalPoint');
    expect(anthropic?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['provider', 'model']));
    expect(anthropic).toMatchObject({ model: 'claude-sonnet-4', Attempts: 1, Errors: 1, Fallbacks: 1, AttemptLatency: 12 });
    expect(bedrock).toMatchObject({ Attempts: 1, AttemptLatency: 40, TimeToFirstToken: 35 });
    expect(bedrock).not.toHaveProperty('Errors');
    expect(blobs.find((b) => b.mode === 'quality')).toMatchObject({ Requests: 1, RequestLatency: 57 });
  });

  it('reports breaker changes as a log line and a BreakerState gauge', () => {
    createTelemetry({ logLevel: 'INFO', metrics: true }).breaker({
      provider: 'anthropic', model: 'claude-sonnet-4', upstreamModel: 'claude-sonnet-4-20250514', from: 'closed', to: 'open', at: 1,
    });
    expect(parsed().find((l) => l.message === 'breaker')).toMatchObject({ level: 'WARN', provider: 'anthropic', from: 'closed', to: 'open' });
    expect(emf()[0]).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4', BreakerState: 2 });
  });

  it('is silent with logs SILENT and metrics off', () => {
    const t = createTelemetry({ logLevel: 'SILENT', metrics: false });
    t.request(report);
    t.breaker({ provider: 'a', model: 'm', upstreamModel: 'u', from: 'open', to: 'closed', at: 1 });
    expect(lines).toEqual([]);
  });
});
