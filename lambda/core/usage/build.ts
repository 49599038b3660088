// What one request used, from what the lifecycle observed. The upstream's own usage report is used
// whenever it arrived, so the record holds exactly what the response carried. Without one (a stream cut or
// abandoned before the provider's final usage report), the record holds an estimate and says so: the
// admission estimate of the prompt plus one token per content piece that reached the client.
import { totalTokens, usage as usageOf, type Usage } from '../canonical/usage';
import { costNanoUsd, type ModelSpec } from '../catalog';
import type { UsageRecord } from './record';

/** The record's own fields that the lifecycle knows as they are, plus what the rest is derived from. */
export interface Observed
  extends Pick<UsageRecord, 'requestId' | 'completionId' | 'keyId' | 'accountId' | 'dialect' | 'requestedModel' | 'stream' | 'routingMode' | 'routingReason' | 'fallbacks' | 'status' | 'errorCode'> {
  /** The model and provider that served, if any did. */
  served?: { model: ModelSpec; provider: string };
  usage?: Usage;
  promptEstimate: number;
  /** Content pieces that reached the client. */
  pieces: number;
  started: number;
  firstContentAt?: number;
  ended: number;
}

/** The usage to meter: the provider's report, or the estimate, or nothing when no provider was reached. */
export function meteredUsage(o: Pick<Observed, 'usage' | 'status' | 'promptEstimate' | 'pieces'>): { usage: Usage; source: UsageRecord['usageSource'] } {
  if (o.usage) return { usage: o.usage, source: 'upstream' };
  // Statuses where a provider accepted the call and may have generated something.
  const reached = o.status === 'ok' || o.status === 'stream_error' || o.status === 'client_disconnected';
  if (!reached) return { usage: usageOf({}), source: 'none' };
  return { usage: usageOf({ inputTokens: o.promptEstimate, outputTokens: o.pieces }), source: 'estimated' };
}

export function buildRecord(o: Observed): UsageRecord {
  const { usage, source } = meteredUsage(o);
  const cost = costNanoUsd(o.served?.model, usage);
  return {
    requestId: o.requestId,
    ...(o.completionId ? { completionId: o.completionId } : {}),
    keyId: o.keyId,
    accountId: o.accountId,
    dialect: o.dialect,
    requestedModel: o.requestedModel,
    modelUsed: o.served?.model.id ?? null,
    provider: o.served?.provider ?? null,
    routingMode: o.routingMode,
    ...(o.routingReason ? { routingReason: o.routingReason } : {}),
    fallbacks: o.fallbacks,
    stream: o.stream,
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    totalTokens: totalTokens(usage),
    cacheReadTokens: usage.cacheReadTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    reasoningTokens: usage.reasoningTokens,
    usageSource: source,
    costNanoUsd: cost,
    costUsd: cost / 1e9,
    latencyMs: o.ended - o.started,
    ttftMs: o.firstContentAt === undefined ? null : o.firstContentAt - o.started,
    status: o.status,
    clientDisconnected: o.status === 'client_disconnected',
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
    startedAt: new Date(o.started).toISOString(),
  };
}
