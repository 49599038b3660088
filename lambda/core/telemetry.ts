// What the core reports for logs and metrics, through a port: the edge (lambda/observability) turns it
// into structured log lines and CloudWatch EMF metrics. No AWS import here.
import type { Attempt } from './fallback';
import type { Phase } from './health/breaker';
import type { BudgetEvent } from './records';

/** One breaker changing phase, as one instance saw it. */
export interface BreakerChange {
  provider: string;
  /** The catalog model the route serves. */
  model: string;
  upstreamModel: string;
  from: Phase;
  to: Phase;
  at: number;
}

/** Everything one request's log line says. */
export interface RequestReport {
  requestId: string;
  method: string;
  path: string;
  status: number;
  /** How the exchange ended for the client: a client that left is not an error of the gateway. */
  outcome: 'ok' | 'error' | 'client_closed';
  /** The API the request came in through. */
  dialect?: string;
  /** 'explicit' when a model was named; cost | speed | quality for model "auto". */
  mode?: string;
  requested?: string;
  reason?: string;
  /** The capable models, best first (for an explicit model: that model). */
  candidates?: string[];
  /** The model and provider that served, when one did. */
  model?: string;
  provider?: string;
  attempts: Attempt[];
  /** How often the request moved to another route after a failed call. */
  fallbacks: number;
  stream: boolean;
  /** Total gateway time, to the last byte. */
  latencyMs: number;
  ttftMs?: number;
  error?: { category: string; code: string | null; message: string };
  /** The client went away before the response was complete. */
  clientClosed?: boolean;
}

export interface Telemetry {
  request(report: RequestReport): void;
  breaker(change: BreakerChange): void;
  /** A budget crossed 50, 80 or 100% of its limit (once per budget, period and threshold). */
  budget?(event: BudgetEvent): void;
}
