// One request's usage as metered, and its cost. Cost is kept in integer nano-USD so that sums over
// records and aggregates are exact (no floating-point drift); USD is derived when shown.
import type { DialectId } from '../../dialects/registry';
import type { RoutingMode } from '../canonical/request';

export type UsageStatus =
  /** The answer was delivered in full. */
  | 'ok'
  /** No route answered (or the upstream refused the request): nothing was generated. */
  | 'upstream_error'
  /** A stream started and then failed upstream (cut, timeout, malformed). */
  | 'stream_error'
  /** The client went away before the answer was complete. */
  | 'client_disconnected'
  /** The gateway failed after admission. */
  | 'error';

export interface UsageRecord {
  /** The invocation's request id: the idempotency key of the record. */
  requestId: string;
  /** The id of the answer the client saw (chatcmpl-…, resp_…, msg_…), when one was produced. */
  completionId?: string;
  keyId: string;
  accountId: string;
  /** The API the request came in through. */
  dialect: DialectId;
  requestedModel: string;
  /** The catalog model that served, or null when none did. */
  modelUsed: string | null;
  provider: string | null;
  routingMode: RoutingMode | 'explicit';
  /** Why the model that served was chosen (x-op-routing-reason). */
  routingReason?: string;
  /** How often the request moved to another route after a failed call. */
  fallbacks: number;
  stream: boolean;
  /** Every prompt token, cached or not. */
  promptTokens: number;
  /** Every generated token, reasoning included. */
  completionTokens: number;
  totalTokens: number;
  /** Prompt tokens read from the provider's cache (billed at the cached price). */
  cacheReadTokens: number;
  /** Prompt tokens written to the provider's cache (billed at the cache-write price). */
  cacheWriteTokens: number;
  /** Completion tokens spent on reasoning. */
  reasoningTokens: number;
  /**
   * 'upstream': the provider's own usage report, exactly what the response carried. 'estimated': the
   * provider never reported usage (the stream was cut or abandoned), so the record holds the admission
   * estimate of the prompt plus one token per content piece the client received.
   */
  usageSource: 'upstream' | 'estimated' | 'none';
  costNanoUsd: number;
  costUsd: number;
  latencyMs: number;
  /** Request start to the first content reaching the client; for non-streamed answers, the whole answer. */
  ttftMs: number | null;
  status: UsageStatus;
  clientDisconnected: boolean;
  /** The error code the client saw, if any. */
  errorCode?: string;
  /** ISO 8601, when the request arrived; its UTC day is the aggregates' day. */
  startedAt: string;
}

/** What the aggregates add up; each field is summed exactly. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  costNanoUsd: number;
}

export const ZERO_TOTALS: UsageTotals = { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, cacheReadTokens: 0, costNanoUsd: 0 };

export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    requests: a.requests + b.requests,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    costNanoUsd: a.costNanoUsd + b.costNanoUsd,
  };
}

export function totalsOf(record: UsageRecord): UsageTotals {
  return {
    requests: 1,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    totalTokens: record.totalTokens,
    cacheReadTokens: record.cacheReadTokens ?? 0,
    costNanoUsd: record.costNanoUsd,
  };
}

/**
 * Bytes a record may take on its way to the aggregator: it rides in the key's counter item, which must stay
 * under 1 KB (one write unit per write) with its counters beside it.
 */
export const MAX_RECORD_BYTES = 720;

/** The record as JSON, within MAX_RECORD_BYTES: the free-text fields are cut first if it is not. */
export function encodeRecord(record: UsageRecord): string {
  let text = JSON.stringify(record);
  if (text.length <= MAX_RECORD_BYTES) return text;
  const cut = { ...record, routingReason: record.routingReason?.slice(0, 60), errorCode: record.errorCode?.slice(0, 40), requestedModel: record.requestedModel.slice(0, 80) };
  text = JSON.stringify(cut);
  return text;
}

export function decodeRecord(text: string): UsageRecord {
  return JSON.parse(text) as UsageRecord;
}
