// The edge side of core/telemetry.ts: one structured log line per request (Powertools Logger, JSON on
// stdout, which Lambda sends to CloudWatch Logs) and CloudWatch metrics in Embedded Metric Format
// (Powertools Metrics). Per route (dimensions provider, model): Attempts, AttemptLatency, Errors,
// Fallbacks, Skipped (breaker open), TimeToFirstToken, BreakerState (0 closed, 1 half-open, 2 open).
// Per request (dimension mode): Requests, RequestLatency.
// Never logged: keys, prompts, answers. Error messages are the gateway's own, which name no secret.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config';
import type { Phase } from '../core/health/breaker';
import type { BreakerChange, RequestReport, Telemetry } from '../core/telemetry';

export const SERVICE = 'originalpoint';
export const NAMESPACE = 'OriginalPoint';

const PHASE_VALUE: Record<Phase, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface TelemetryOptions {
  logLevel: Config['telemetry']['logLevel'];
  metrics: boolean;
  serviceName?: string;
  namespace?: string;
}

function routeMetrics(metrics: Metrics, report: RequestReport): void {
  const lastCall = report.attempts.findLastIndex((a) => a.outcome !== 'open');
  report.attempts.forEach((a, i) => {
    metrics.addDimensions({ provider: a.provider, model: a.model });
    if (a.outcome === 'open') {
      metrics.addMetric('Skipped', MetricUnit.Count, 1);
    } else {
      metrics.addMetric('Attempts', MetricUnit.Count, 1);
      metrics.addMetric('AttemptLatency', MetricUnit.Milliseconds, a.ms);
      if (a.ttftMs !== undefined) metrics.addMetric('TimeToFirstToken', MetricUnit.Milliseconds, a.ttftMs);
      if (a.outcome !== 'ok') {
        metrics.addMetric('Errors', MetricUnit.Count, 1);
        // The request moved on to another route after this one failed.
        if (i < lastCall) metrics.addMetric('Fallbacks', MetricUnit.Count, 1);
      }
    }
    metrics.publishStoredMetrics();
  });
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const serviceName = options.serviceName ?? SERVICE;
  const logger = new Logger({ serviceName, logLevel: options.logLevel });
  const metrics = options.metrics ? new Metrics({ namespace: options.namespace ?? NAMESPACE, serviceName }) : undefined;
  return {
    request(report: RequestReport): void {
      const line = { ...report, attempts: report.attempts.map((a) => ({ ...a })) };
      // A client that left is logged as what it is, not as a failure of the gateway.
      if (report.status >= 500 && report.outcome !== 'client_closed') logger.error('request', line);
      else logger.info('request', line);
      if (!metrics) return;
      routeMetrics(metrics, report);
      if (report.mode) {
        metrics.addDimension('mode', report.mode);
        metrics.addMetric('Requests', MetricUnit.Count, 1);
        metrics.addMetric('RequestLatency', MetricUnit.Milliseconds, report.latencyMs);
        metrics.publishStoredMetrics();
      }
    },
    breaker(change: BreakerChange): void {
      logger.warn('breaker', { ...change });
      if (!metrics) return;
      metrics.addDimensions({ provider: change.provider, model: change.model });
      metrics.addMetric('BreakerState', MetricUnit.NoUnit, PHASE_VALUE[change.to]);
      metrics.publishStoredMetrics();
    },
  };
}
