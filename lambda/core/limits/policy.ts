// What a plan's limits mean for one request, before any I/O: the output cap each model gets, and how many
// tokens the request reserves against the token limits (estimated prompt + the largest output cap it may use).
import { BadRequestError } from '../../wire/errors';
import type { CanonicalRequest } from '../canonical/request';
import type { ModelSpec } from '../catalog';
import type { Limits } from '../plans';
import { estimatePromptTokens } from '../tokens';

export type LimitName = 'requestsPerMinute' | 'tokensPerMinute' | 'tokensPerMonth' | 'concurrentRequests';

/** How error messages name each limit. */
export const LIMIT_LABELS: Readonly<Record<LimitName, string>> = {
  requestsPerMinute: 'requests per minute',
  tokensPerMinute: 'tokens per minute',
  tokensPerMonth: 'tokens per month',
  concurrentRequests: 'concurrent requests',
};

/** 400 when the caller asks for more output than the plan allows per request. */
export function checkMaxTokens(request: CanonicalRequest, limits: Limits): void {
  const cap = limits.maxTokensPerRequest;
  if (cap !== null && request.maxOutputTokens !== undefined && request.maxOutputTokens > cap) {
    throw new BadRequestError(
      `'max_tokens' is ${request.maxOutputTokens}, above this key's plan limit of ${cap} max tokens per request.`,
      { param: 'max_tokens', code: 'invalid_value' },
    );
  }
}

/**
 * The output cap sent upstream for `model`: the caller's (already checked against the plan), else the smaller
 * of the plan's per-request maximum and the model's maximum output.
 */
export function outputCap(request: CanonicalRequest, model: ModelSpec, limits: Limits): number {
  const wanted = request.maxOutputTokens ?? limits.maxTokensPerRequest ?? model.maxOutputTokens;
  return Math.min(wanted, model.maxOutputTokens);
}

/** Tokens held against the token limits from admission until settlement: never below what the request can use. */
export function reservationFor(request: CanonicalRequest, models: readonly ModelSpec[], limits: Limits): { promptTokens: number; reserved: number } {
  const promptTokens = estimatePromptTokens(request);
  const output = Math.max(0, ...models.map((m) => outputCap(request, m, limits)));
  return { promptTokens, reserved: promptTokens + output };
}
