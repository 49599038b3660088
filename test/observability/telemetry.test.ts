// The edge telemetry: one JSON line per request that is also its EMF metrics document, plus a short metrics
// line per other route it tried, as written to stdout and stderr (Lambda hands both to CloudWatch). Both
// are captured, so nothing reaches the test output.
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
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }> };
  [k: string]: unknown;
}

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
const emf = () => parsed().filter((l): l is Emf => '_aws' in l);

describe('createTelemetry', () => {
  it('writes one structured log line per request with routing, attempts and latency', () => {
    createTelemetry({ logLevel: 'INFO', metrics: false }).request({ ...report, candidates: ['gpt-5', 'gemini-2.5-pro', 'claude-opus-4.1', 'claude-sonnet-4', 'gpt-5-mini'] });
    const logs = parsed();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'INFO',
      message: 'request',
      service: 'originalpoint',
      requestId: 'req-1',
      mode: 'quality',
      // The best few candidates and how many there were: the full list would double the line.
      candidates: ['gpt-5', 'gemini-2.5-pro', 'claude-opus-4.1'],
      candidateCount: 5,
      reason: 'quality: best quality of 16 capable',
      model: 'claude-sonnet-4',
      provider: 'bedrock',
      attempts: report.attempts,
      fallbacks: 1,
      RequestLatency: 57,
    });
    expect(logs[0]).not.toHaveProperty('latencyMs');
  });

  it('leaves out what a default would say: POST, ok, the model named, an explicit route, one attempt, no fallback', () => {
    const explicit: RequestReport = {
      ...report, mode: 'explicit', requested: 'claude-sonnet-4', reason: 'explicit: requested model', candidates: ['claude-sonnet-4'],
      dialect: 'openai-chat', attempts: report.attempts.slice(1), fallbacks: 0,
    };
    createTelemetry({ logLevel: 'INFO', metrics: false }).request(explicit);
    const line = parsed()[0]!;
    expect(line).toMatchObject({ path: '/v1/chat/completions', status: 200, mode: 'explicit', model: 'claude-sonnet-4', provider: 'bedrock', ttftMs: 35, RequestLatency: 57 });
    for (const implied of ['method', 'outcome', 'requested', 'reason', 'candidates', 'candidateCount', 'attempts', 'fallbacks', 'dialect']) expect(line).not.toHaveProperty(implied);
    // And says what differs from the default.
    lines = [];
    createTelemetry({ logLevel: 'INFO', metrics: false }).request({ ...explicit, method: 'GET', outcome: 'error', status: 404, requested: 'claude-sonnet-4.5' });
    expect(parsed()[0]).toMatchObject({ method: 'GET', outcome: 'error', requested: 'claude-sonnet-4.5' });
  });

  it('publishes EMF metrics per request and per route: latency, TTFT, errors and fallbacks, the served route in the request line', () => {
    createTelemetry({ logLevel: 'INFO', metrics: true }).request(report);
    const blobs = emf();
    expect(blobs).toHaveLength(2);
    const requestLine = blobs.find((b) => b.message === 'request')!;
    expect(requestLine).toMatchObject({ requestId: 'req-1', provider: 'bedrock', RequestLatency: 57, Responses5xx: 0 });
    expect(requestLine._aws.CloudWatchMetrics.map((d) => d.Dimensions)).toEqual([[['service'], ['service', 'mode']], [['service', 'provider', 'model']]]);
    const anthropic = blobs.find((b) => b.provider === 'anthropic');
    const bedrock = blobs.find((b) => b.provider === 'bedrock');
    expect(anthropic?._aws.CloudWatchMetrics[0]?.Namespace).toBe('OriginalPoint');
    expect(anthropic?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toEqual(expect.arrayContaining(['provider', 'model']));
    expect(anthropic).toMatchObject({ model: 'claude-sonnet-4', Errors: 1, Fallbacks: 1, AttemptLatency: 12 });
    expect(bedrock).toMatchObject({ AttemptLatency: 40, TimeToFirstToken: 35 });
    // Counts are the latencies' SampleCount, and no unit is sent: neither is paid for on every line.
    for (const blob of blobs) {
      expect(blob).not.toHaveProperty('Requests');
      expect(blob).not.toHaveProperty('Attempts');
      for (const d of blob._aws.CloudWatchMetrics) for (const m of d.Metrics) expect(m).not.toHaveProperty('Unit');
    }
    expect(bedrock).not.toHaveProperty('Errors');
    expect(blobs.find((b) => b.mode === 'quality')).toMatchObject({ RequestLatency: 57 });
  });

  it('costs an explicit request with one attempt one line of under 700 bytes, metrics included', () => {
    createTelemetry({ logLevel: 'INFO', metrics: true }).request({
      ...report, requestId: '8a1f3c52-3b7e-4a6e-9d0c-1f2e3d4c5b6a', mode: 'explicit', requested: 'claude-sonnet-4', reason: 'explicit: requested model',
      candidates: ['claude-sonnet-4'], fallbacks: 0, attempts: report.attempts.slice(1),
    });
    expect(lines).toHaveLength(1);
    expect(Buffer.byteLength(lines[0]!)).toBeLessThan(700);
  });

  it('still writes the metrics with logs off, without the log fields', () => {
    createTelemetry({ logLevel: 'SILENT', metrics: true }).request({ ...report, status: 502, outcome: 'error' });
    const request = emf().find((b) => 'RequestLatency' in b)!;
    expect(request).toMatchObject({ Responses5xx: 1, mode: 'quality', service: 'originalpoint' });
    expect(request).not.toHaveProperty('requestId');
    expect(request).not.toHaveProperty('attempts');
  });

  it('does not count a client that left as a 5xx', () => {
    createTelemetry({ logLevel: 'INFO', metrics: true }).request({ ...report, status: 499, outcome: 'client_closed' });
    expect(emf().find((b) => b.message === 'request')).toMatchObject({ level: 'INFO', Responses5xx: 0 });
  });

  it('reports breaker changes as a log line and a BreakerState gauge', () => {
    createTelemetry({ logLevel: 'INFO', metrics: true }).breaker({
      provider: 'anthropic', model: 'claude-sonnet-4', upstreamModel: 'claude-sonnet-4-20250514', from: 'closed', to: 'open', at: 1,
    });
    expect(parsed().find((l) => l.message === 'breaker')).toMatchObject({ level: 'WARN', provider: 'anthropic', from: 'closed', to: 'open' });
    expect(emf()[0]).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4', BreakerState: 2, BreakerOpened: 1 });
  });

  it('is silent with logs SILENT and metrics off', () => {
    const t = createTelemetry({ logLevel: 'SILENT', metrics: false });
    t.request(report);
    t.breaker({ provider: 'a', model: 'm', upstreamModel: 'u', from: 'open', to: 'closed', at: 1 });
    expect(lines).toEqual([]);
  });
});
