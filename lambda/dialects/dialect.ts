// What a dialect is: the endpoints it serves and how it renders an error. A dialect owns its wire format
// end to end: parsing and validating requests into the canonical model, encoding canonical results and
// stream parts into its JSON and SSE events, and its error shape. The core never sees any of it.
import type { GatewayDeps } from '../core/deps';
import type { CoreResult, RequestContext } from '../core/result';
import type { HttpRequest } from '../handlers/http';
import type { GatewayError } from '../wire/errors';

export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** The whole path; capture groups are passed to `serve`, already percent-decoded. */
  path: RegExp;
  serve(req: HttpRequest, params: readonly string[], ctx: RequestContext, deps: GatewayDeps): Promise<CoreResult>;
}

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface Dialect {
  endpoints: readonly Endpoint[];
  /** The one place this dialect turns an error into its API's shape. */
  renderError(error: GatewayError): RenderedError;
}

/** The Bearer token of an Authorization header. */
export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}
