// What one request used, from what the meter observed. The upstream's own usage report is used whenever it
// arrived, so the record holds exactly what the response carried. Without one (a stream cut or abandoned
// before the provider's final usage event), the record holds an estimate and says so: the admission
// estimate of the prompt plus one token per content piece that reached the client.
import type { ChatRequest, RoutingMode, Usage } from '../../openai/types';
import type { ModelSpec } from '../catalog';
import { costNanoUsd, type UsageRecord, type UsageStatus } from './record';

export interface Observed {
  requestId: string;
  completionId?: string;
  keyId: string;
  accountId: string;
  request: ChatRequest;
  routingMode: RoutingMode | 'explicit';
  /** The model and provider that served, if any did. */
  served?: { model: ModelSpec; provider: string };
  usage?: Usage;
  promptEstimate: number;
  /** Content pieces that reached the client. */
  pieces: number;
  started: number;
  firstContentAt?: number;
  ended: number;
  status: UsageStatus;
  errorCode?: string;
}

export function buildRecord(o: Observed): UsageRecord {
  // Statuses where a provider accepted the call and may have generated something.
  const reached = o.status === 'ok' || o.status === 'stream_error' || o.status === 'client_disconnected';
  let promptTokens = 0;
  let completionTokens = 0;
  let totalTokens = 0;
  let usageSource: UsageRecord['usageSource'] = 'none';
  if (o.usage) {
    ({ prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: totalTokens } = o.usage);
    usageSource = 'upstream';
  } else if (reached) {
    promptTokens = o.promptEstimate;
    completionTokens = o.pieces;
    totalTokens = promptTokens + completionTokens;
    usageSource = 'estimated';
  }
  const cost = costNanoUsd(o.served?.model, promptTokens, completionTokens);
  return {
    requestId: o.requestId,
    ...(o.completionId ? { completionId: o.completionId } : {}),
    keyId: o.keyId,
    accountId: o.accountId,
    requestedModel: o.request.model,
    modelUsed: o.served?.model.id ?? null,
    provider: o.served?.provider ?? null,
    routingMode: o.routingMode,
    stream: o.request.stream,
    promptTokens,
    completionTokens,
    totalTokens,
    usageSource,
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
