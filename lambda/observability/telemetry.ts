// The edge side of core/telemetry.ts: one structured JSON line per request on stdout (which Lambda sends to
// CloudWatch Logs) that is also a CloudWatch metrics document in Embedded Metric Format, so a request costs
// one log line, not a log line and a metrics line per route.
//
// Metrics, namespace OriginalPoint:
// - per request, by [service] and by [service, mode]: RequestLatency (to the last byte; its SampleCount is
//   the request count), Responses5xx (5xx answers; a client that left is not one);
// - per upstream call, by [service, provider, model]: AttemptLatency (its SampleCount counts the calls),
//   TimeToFirstToken, Errors, Fallbacks, and Skipped (breaker open, no call). The route that served rides
//   in the request line; each other attempt gets a short metrics-only line of its own.
// No metric carries a unit and no count is sent that a SampleCount already gives: every byte of the line
// is billed on every request.
// - per breaker change, by [service, provider, model]: BreakerState (0 closed, 1 half-open, 2 open), and
//   by [service]: BreakerOpened (1 when a breaker opens: what the alarm watches).
// Never logged: keys, prompts, answers. Error messages are the gateway's own, which name no secret.
// Written by hand rather than through Powertools Metrics, which cannot put metrics into a log line; the
// format is small and documented (CloudWatch's EMF specification). Other log lines use Powertools Logger.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { Attempt } from '../core/fallback';
import type { Phase } from '../core/health/breaker';
import type { BudgetEvent } from '../core/records';
import type { BreakerChange, RequestReport, Telemetry } from '../core/telemetry';

export const SERVICE = 'originalpoint';
export const NAMESPACE = 'OriginalPoint';

const PHASE_VALUE: Record<Phase, number> = { closed: 0, 'half-open': 1, open: 2 };
/** The request line names this many candidates (best first) and counts the rest. */
const CANDIDATES_SHOWN = 3;

export interface TelemetryOptions {
  logLevel: Config['telemetry']['logLevel'];
  metrics: boolean;
  serviceName?: string;
  namespace?: string;
}

interface Directive {
  Namespace: string;
  Dimensions: string[][];
  Metrics: Array<{ Name: string }>;
}
type Metric = [name: string, value: number];

const LEVEL_RANK = { DEBUG: 0, INFO: 1, WARN: 2, ERROR: 3, SILENT: 4 } as const;

/** Route metrics of one attempt, by name. */
function attemptMetrics(a: Attempt, fellBack: boolean): Metric[] {
  if (a.outcome === 'open') return [['Skipped', 1]];
  const out: Metric[] = [['AttemptLatency', a.ms]];
  if (a.ttftMs !== undefined) out.push(['TimeToFirstToken', a.ttftMs]);
  if (a.outcome !== 'ok') {
    out.push(['Errors', 1]);
    // The request moved on to another route after this one failed.
    if (fellBack) out.push(['Fallbacks', 1]);
  }
  return out;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const service = options.serviceName ?? SERVICE;
  const namespace = options.namespace ?? NAMESPACE;
  const logger = new Logger({ serviceName: service, logLevel: options.logLevel });
  const logs = (level: keyof typeof LEVEL_RANK) => LEVEL_RANK[level] >= LEVEL_RANK[options.logLevel];
  const write = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

  /** `fields` with the metrics added as an EMF document (when metrics are on). */
  const withMetrics = (fields: Record<string, unknown>, directives: Array<[string[][], Metric[]]>): Record<string, unknown> => {
    if (!options.metrics || !directives.some(([, m]) => m.length)) return fields;
    const values: Record<string, number> = {};
    const cloudWatchMetrics: Directive[] = directives
      .filter(([, metrics]) => metrics.length)
      .map(([dimensions, metrics]) => {
        for (const [name, value] of metrics) values[name] = value;
        return { Namespace: namespace, Dimensions: dimensions, Metrics: metrics.map(([Name]) => ({ Name })) };
      });
    return { ...fields, ...values, _aws: { Timestamp: Date.now(), CloudWatchMetrics: cloudWatchMetrics } };
  };

  return {
    request(report: RequestReport): void {
      const lastCall = report.attempts.findLastIndex((a) => a.outcome !== 'open');
      const served = report.attempts.findIndex((a) => a.outcome === 'ok' && a.provider === report.provider && a.model === report.model);
      const fiveXx = report.status >= 500 && report.outcome !== 'client_closed';
      const level = fiveXx ? 'ERROR' : 'INFO';
      const line: Record<string, unknown> = {
        level,
        message: 'request',
        // No timestamp field: every CloudWatch log event has its own, and EMF carries one in `_aws`.
        service,
        ...lineFields(report, served),
      };
      const requestMetrics: Metric[] = [
        ['RequestLatency', report.latencyMs],
        ['Responses5xx', fiveXx ? 1 : 0],
      ];
      const directives: Array<[string[][], Metric[]]> = [[report.mode ? [['service'], ['service', 'mode']] : [['service']], requestMetrics]];
      if (served >= 0) directives.push([[['service', 'provider', 'model']], attemptMetrics(report.attempts[served]!, false)]);
      const full = withMetrics(line, directives);
      if (logs(level)) write(full);
      // Logs off, metrics on: the metrics still need their line, without the log fields.
      else if (full !== line) write(pick(full, ['service', 'mode', 'provider', 'model', '_aws', ...directives.flatMap(([, m]) => m.map(([name]) => name))]));
      report.attempts.forEach((a, i) => {
        if (i === served) return;
        const doc = withMetrics({ service, provider: a.provider, model: a.model }, [[[['service', 'provider', 'model']], attemptMetrics(a, i < lastCall)]]);
        if ('_aws' in doc) write(doc);
      });
    },
    budget(event: BudgetEvent): void {
      // One line that is both the log entry and the metric: the alarm-worthy 100% is its own metric.
      const doc = withMetrics({ level: 'WARN', message: 'budget threshold', service, ...event }, [
        [[['service']], [['BudgetThresholds', 1], ...(event.threshold === 100 ? ([['BudgetsExhausted', 1]] as Metric[]) : [])]],
      ]);
      if (logs('WARN') || '_aws' in doc) write(logs('WARN') ? doc : pick(doc, ['service', '_aws', 'BudgetThresholds', 'BudgetsExhausted']));
    },
    breaker(change: BreakerChange): void {
      logger.warn('breaker', { ...change });
      const doc = withMetrics({ service, provider: change.provider, model: change.model }, [
        [[['service', 'provider', 'model']], [['BreakerState', PHASE_VALUE[change.to]]]],
        [[['service']], change.to === 'open' ? [['BreakerOpened', 1]] : []],
      ]);
      if ('_aws' in doc) write(doc);
    },
  };
}

/**
 * The report as the line shows it. Every byte is billed on every request ($0.50/GB ingested), so what a
 * default would say is left out: method when POST, outcome when ok, requested when it is the model that
 * served, the routing reason and candidates of an explicit model, the attempts when the one attempt made
 * is the route that served, fallbacks when none. The dialect is the path's. Latency is `RequestLatency`,
 * the field its metric reads, rather than a second copy of the same number.
 */
function lineFields(report: RequestReport, served: number): Record<string, unknown> {
  const { method, outcome, dialect: _dialect, requested, reason, candidates, attempts, fallbacks, latencyMs, ...rest } = report;
  const routed = report.mode !== undefined && report.mode !== 'explicit';
  return {
    ...rest,
    ...(method !== 'POST' ? { method } : {}),
    ...(outcome !== 'ok' ? { outcome } : {}),
    ...(requested !== undefined && requested !== report.model ? { requested } : {}),
    ...(routed && reason ? { reason } : {}),
    ...(routed && candidates ? { candidates: candidates.slice(0, CANDIDATES_SHOWN), candidateCount: candidates.length } : {}),
    ...(attempts.length === 1 && served === 0 ? {} : { attempts }),
    ...(fallbacks ? { fallbacks } : {}),
    RequestLatency: latencyMs,
  };
}

function pick(from: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((n) => from[n] !== undefined).map((n) => [n, from[n]]));
}
