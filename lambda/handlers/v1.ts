// The /v1 routes: which dialect serves a method and path, and the edge rules every route shares (body
// size, path encoding). Errors are rendered in the shape of the dialect whose path it is.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayDeps } from '../core/deps';
import type { CoreResult, RequestContext } from '../core/result';
import { DEFAULT_DIALECT, routeFor } from '../dialects/registry';
import { ORIGIN_HEADER } from '../wire/edge';
import { BadRequestError, InternalServerError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, PermissionDeniedError, toGatewayError, type GatewayError } from '../wire/errors';
import { quote } from '../wire/json';
import type { HttpRequest } from './http';

/** A fault of the gateway's own (a bug): its stack goes to the log, never to the client. */
function logServerFault(error: GatewayError): void {
  if (!(error instanceof InternalServerError)) return;
  const cause = error.cause instanceof Error ? error.cause : undefined;
  console.error(JSON.stringify({ level: 'error', message: 'unexpected failure', error: cause ? `${cause.name}: ${cause.message}` : 'unknown', stack: cause?.stack?.split('\n').slice(0, 8).join(' | ') }));
}

/** A percent-decoded path segment, or undefined when the escapes are not valid UTF-8 percent-encoding. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Constant-time: how long a wrong value takes to refuse says nothing about the right one. */
function sameSecret(given: string | undefined, expected: string): boolean {
  const a = createHash('sha256').update(given ?? '').digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given !== undefined;
}

export async function serveV1(req: HttpRequest, ctx: RequestContext, deps: GatewayDeps): Promise<CoreResult> {
  const path = req.path.replace(/\/+$/, '');
  const match = routeFor(req.method, path);
  const dialect = match?.dialect ?? DEFAULT_DIALECT;
  try {
    // Behind the CloudFront front, a request that did not come through it is refused before any store read.
    if (deps.originSecret !== undefined && !sameSecret(req.headers[ORIGIN_HEADER], deps.originSecret)) {
      throw new PermissionDeniedError('This gateway accepts requests only through its CloudFront distribution.', { code: 'origin_not_allowed' });
    }
    if (!match) throw new NotFoundError(`Unknown request URL: ${req.method} ${quote(req.path)}.`, { code: 'unknown_url' });
    if (!match.endpoint) {
      const allowed = match.allowed.join(', ');
      throw new MethodNotAllowedError(`Method ${quote(req.method, 16)} is not allowed on ${quote(path)}; use ${allowed}.`, { headers: { allow: allowed } });
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a body that short is under the limit without counting.
    if (req.body !== undefined && req.body.length * 3 > deps.config.maxBodyBytes && Buffer.byteLength(req.body) > deps.config.maxBodyBytes) {
      throw new PayloadTooLargeError(`The request body exceeds the limit of ${deps.config.maxBodyBytes} bytes.`, { code: 'request_too_large' });
    }
    const params = match.params.map(decodeSegment);
    if (params.some((p) => p === undefined)) {
      throw new BadRequestError(`The path ${quote(req.path)} has a malformed percent-escape.`, { code: 'invalid_path' });
    }
    return await match.endpoint.serve(req, params as string[], ctx, deps);
  } catch (err) {
    const error = toGatewayError(err);
    ctx.trace?.failed(error);
    if (error.status >= 500) logServerFault(error);
    const e = dialect.renderError(error);
    return { kind: 'json', status: e.status, headers: e.headers, body: e.body };
  }
}
