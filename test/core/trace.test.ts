// A request's trace becomes its log line: who served, how often it fell back, what went wrong.
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../lambda/core/trace';
import { planRoute } from '../../lambda/core/routing';
import { catalog } from '../helpers/catalog';
import { user } from '../helpers/provider';
import { ServiceUnavailableError } from '../../lambda/wire/errors';

const end = { requestId: 'r', method: 'POST', path: '/v1/chat/completions', status: 200, latencyMs: 12.4 };

describe('RequestTrace', () => {
  it('reports the plan, the attempts, the route that served and the fallbacks taken', () => {
    const trace = new RequestTrace();
    const request = { model: 'auto', routing: 'cost' as const, messages: [user('hi')], stream: true, sampling: {} };
    trace.planned(planRoute(request, catalog), request, 'openai-chat');
    trace.attempt({ provider: 'bedrock', model: 'nova-lite', outcome: 'open', ms: 0 });
    trace.attempt({ provider: 'openai', model: 'gpt-5-nano', outcome: '503', ms: 4 });
    trace.attempt({ provider: 'google', model: 'gemini-2.5-flash-lite', outcome: 'ok', ms: 9, ttftMs: 7 });
    const report = trace.report(end);
    expect(report).toMatchObject({
      outcome: 'ok',
      dialect: 'openai-chat',
      mode: 'cost',
      requested: 'auto',
      reason: 'cost: cheapest of 16 capable',
      model: 'gemini-2.5-flash-lite',
      provider: 'google',
      ttftMs: 7,
      fallbacks: 1,
      stream: true,
      latencyMs: 12,
    });
    expect(report.candidates?.[0]).toBe('nova-lite');
    expect(report).not.toHaveProperty('error');
  });

  it('counts no fallback when the only call failed, and carries the error', () => {
    const trace = new RequestTrace();
    trace.attempt({ provider: 'openai', model: 'gpt-5-mini', outcome: '503', ms: 4 });
    trace.attempt({ provider: 'openai', model: 'gpt-5-mini', outcome: 'open', ms: 0 });
    const report = trace.report({ ...end, status: 503, error: new ServiceUnavailableError('down', { code: 'all_routes_failed' }), clientClosed: false });
    expect(report).toMatchObject({ status: 503, outcome: 'error', fallbacks: 0, error: { category: 'unavailable', code: 'all_routes_failed', message: 'down' } });
    expect(report).not.toHaveProperty('model');
  });

  it('reports a client that left as its own outcome, and cuts client input short', () => {
    const trace = new RequestTrace();
    const request = { model: 'm'.repeat(3_000_000), messages: [user('hi')], stream: false, sampling: {} };
    trace.planned({ models: [], mode: 'explicit', reason: 'explicit: requested model', promptTokens: 1, candidates: [] }, request, 'openai-chat');
    const report = trace.report({ ...end, path: `/v1/${'p'.repeat(10_000)}`, status: 499, clientClosed: true });
    expect(report.outcome).toBe('client_closed');
    expect(JSON.stringify(report).length).toBeLessThan(1_000);
  });
});
