// POST /v1/messages/count_tokens: the request's input tokens, counted by the model's provider where it has
// a counting endpoint (Anthropic), else the gateway's own estimate (core/tokens.ts: about four characters
// per token, fixed costs per image and document), which is what admission reserves. No model is called and
// nothing is metered.
import type { AuthContext } from '../../core/auth';
import type { CanonicalRequest } from '../../core/canonical/request';
import type { GatewayDeps } from '../../core/deps';
import { modelAccess, modelNotAllowed } from '../../core/model-access';
import { resolveModel } from '../../core/routing';
import type { RequestContext } from '../../core/result';
import { estimatePromptTokens } from '../../core/tokens';
import { GatewayError, UpstreamError } from '../../wire/errors';

export async function countTokens(request: CanonicalRequest, auth: AuthContext, ctx: RequestContext, deps: GatewayDeps): Promise<{ input_tokens: number }> {
  if (request.model.toLowerCase() === 'auto') return { input_tokens: estimatePromptTokens(request) };
  const model = resolveModel(deps.catalog, request.model);
  // Counting calls the model's provider: a model outside the key's allowlist is not called for it either.
  if (!modelAccess(auth).allows(model)) throw modelNotAllowed(request.model, model);
  for (const route of model.routes) {
    const provider = deps.providers.get(route.provider);
    if (!provider?.countTokens) continue;
    try {
      const n = await provider.countTokens({ request, upstreamModel: route.upstreamModel, maxTokens: 1, model: { reasoning: model.capabilities.reasoning }, signal: ctx.signal });
      return { input_tokens: n };
    } catch (err) {
      // The request's own fault (a 400 about it) goes back; a provider that cannot count right now leaves the estimate.
      if (err instanceof UpstreamError && !err.retryable && err.status < 500) throw err;
      if (err instanceof GatewayError && !(err instanceof UpstreamError)) throw err;
    }
    break;
  }
  return { input_tokens: estimatePromptTokens(request) };
}
