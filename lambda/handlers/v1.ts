// The /v1 routes: which core function serves which method and path. No logic beyond dispatch.
import { MethodNotAllowedError, NotFoundError, PayloadTooLargeError } from '../openai/errors';
import { chatCompletion } from '../core/chat';
import type { GatewayDeps } from '../core/deps';
import { withRateLimitHeaders } from '../core/meter';
import { getModel, listModels } from '../core/models';
import type { CoreResult, RequestContext } from '../core/result';
import type { HttpRequest } from './http';

const json = (body: unknown): CoreResult => ({ kind: 'json', status: 200, headers: {}, body });

export async function serveV1(req: HttpRequest, ctx: RequestContext, deps: GatewayDeps): Promise<CoreResult> {
  const path = req.path.replace(/\/+$/, '');
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') throw new MethodNotAllowedError(`Method ${req.method} is not allowed on ${path}; use POST.`);
    if (req.body !== undefined && Buffer.byteLength(req.body) > deps.config.maxBodyBytes) {
      throw new PayloadTooLargeError(`The request body exceeds the limit of ${deps.config.maxBodyBytes} bytes.`, { code: 'request_too_large' });
    }
    return chatCompletion(req.body, ctx, deps);
  }
  if (path === '/v1/models' || path.startsWith('/v1/models/')) {
    if (req.method !== 'GET') throw new MethodNotAllowedError(`Method ${req.method} is not allowed on ${path}; use GET.`);
    const auth = await deps.auth.authenticate(ctx.authorization, ctx.sourceIp);
    // Listing models is not counted, but the answer carries the key's rate-limit headers like every /v1 answer.
    return withRateLimitHeaders(deps, auth, ctx, async () =>
      json(path === '/v1/models' ? listModels() : getModel(decodeURIComponent(path.slice('/v1/models/'.length)))),
    );
  }
  throw new NotFoundError(`Unknown request URL: ${req.method} ${req.path}.`, { code: 'unknown_url' });
}
