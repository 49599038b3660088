// One request's routing story, filled in by the core as it happens and read by the edge once the last
// byte is out (the edge knows the final status and whether a stream failed half-way).
import type { GatewayError } from '../wire/errors';
import { quote } from '../wire/json';
import { fallbacksOf, type Attempt } from './fallback';
import type { RoutingPlan } from './routing';
import type { RequestReport } from './telemetry';

export class RequestTrace {
  private plan?: { mode: string; requested: string; reason: string; candidates: string[] };
  private stream = false;
  private dialect?: string;
  readonly attempts: Attempt[] = [];
  /** A failure after the answer began (a stream that broke), which the status line cannot show. */
  error?: GatewayError;

  planned(plan: RoutingPlan, request: { model: string; stream?: boolean }, dialect: string): void {
    this.plan = { mode: plan.mode, requested: quote(request.model), reason: plan.reason, candidates: plan.candidates };
    this.stream = request.stream === true;
    this.dialect = dialect;
  }

  attempt(attempt: Attempt): void {
    this.attempts.push(attempt);
  }

  failed(error: GatewayError): void {
    this.error = error;
  }

  report(end: { requestId: string; method: string; path: string; status: number; latencyMs: number; error?: GatewayError; clientClosed?: boolean }): RequestReport {
    const served = this.attempts.findLast((a) => a.outcome === 'ok');
    const fallbacks = fallbacksOf(this.attempts);
    const error = end.error ?? this.error;
    return {
      requestId: end.requestId,
      method: end.method,
      path: quote(end.path),
      status: end.status,
      outcome: end.clientClosed ? 'client_closed' : end.status >= 400 || error ? 'error' : 'ok',
      ...(this.dialect ? { dialect: this.dialect } : {}),
      ...this.plan,
      ...(served ? { model: served.model, provider: served.provider, ttftMs: served.ttftMs } : {}),
      attempts: this.attempts,
      fallbacks,
      stream: this.stream,
      latencyMs: Math.round(end.latencyMs),
      ...(end.clientClosed ? { clientClosed: true } : {}),
      ...(error ? { error: { category: error.category, code: error.code, message: quote(error.message, 300) } } : {}),
    };
  }
}
