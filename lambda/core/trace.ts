// One request's routing story, filled in by the core as it happens and read by the edge once the last
// byte is out (the edge knows the final status and whether a stream failed half-way).
import type { GatewayError } from '../openai/errors';
import type { Attempt } from './fallback';
import type { RoutingPlan } from './routing';
import type { RequestReport } from './telemetry';

export class RequestTrace {
  private plan?: { mode: string; requested: string; reason: string; candidates: string[] };
  private stream = false;
  readonly attempts: Attempt[] = [];

  planned(plan: RoutingPlan, request: { model: string; stream?: boolean }): void {
    this.plan = { mode: plan.mode, requested: request.model, reason: plan.reason, candidates: plan.candidates };
    this.stream = request.stream === true;
  }

  attempt(attempt: Attempt): void {
    this.attempts.push(attempt);
  }

  report(end: { requestId: string; method: string; path: string; status: number; latencyMs: number; error?: GatewayError; clientClosed?: boolean }): RequestReport {
    const served = this.attempts.findLast((a) => a.outcome === 'ok');
    const calls = this.attempts.filter((a) => a.outcome !== 'open');
    // Moves to another route after a failure: a failed call that another call followed.
    const fallbacks = calls.filter((a, i) => a.outcome !== 'ok' && i < calls.length - 1).length;
    return {
      requestId: end.requestId,
      method: end.method,
      path: end.path,
      status: end.status,
      ...this.plan,
      ...(served ? { model: served.model, provider: served.provider, ttftMs: served.ttftMs } : {}),
      attempts: this.attempts,
      fallbacks,
      stream: this.stream,
      latencyMs: Math.round(end.latencyMs),
      ...(end.clientClosed ? { clientClosed: true } : {}),
      ...(end.error ? { error: { type: end.error.type, code: end.error.code, message: end.error.message } } : {}),
    };
  }
}
