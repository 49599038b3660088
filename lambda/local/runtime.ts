// The local runtime: an HTTP server that turns requests into the events Lambda would get (function URL
// payload 2.0 for /v1, API Gateway REST proxy events for /admin) and runs the very same handlers.
// Streaming responses go through Lambda's prelude protocol (lambda-stream.ts) and are decoded back.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Context,
  LambdaFunctionURLEvent,
  StreamifyHandler,
} from 'aws-lambda';
import { CORS } from '../wire/cors';
import { PreludeDecoder, responseStreamTo } from './lambda-stream';
import { listenLocal, type LocalServer } from './listen';

export type AdminHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalRuntimeOptions {
  port?: number;
  host?: string;
  chat: StreamifyHandler<LambdaFunctionURLEvent, void>;
  admin?: AdminHandler;
  /** Locally the admin API is authorised by this bearer token, standing in for API Gateway's IAM auth. */
  adminToken?: string;
  /** The dashboard API's function (Cognito-signed-in users), at /dashboard/api. */
  dashboard?: AdminHandler;
  /** The dashboard's static page, at / (index.html), /assets/* and /dashboard/config.json. */
  web?: FrontRoute;
}

export type LocalRuntime = LocalServer;

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded)|text\/)/i;

/** The peer address without the IPv4-mapped IPv6 prefix, as Lambda reports it. */
function sourceIp(req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? '127.0.0.1';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

export function lambdaContext(functionName: string, timeoutMs = 900_000): Context {
  const requestId = randomUUID();
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A Lambda function URL accepts request payloads of at most 6 MB and refuses larger ones without invoking
 * the function; the local fronts do the same, so nothing that works here would fail there.
 */
export const FUNCTION_URL_MAX_BODY_BYTES = 6 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/**
 * Reads a request body, at most `limit` bytes: a declared Content-Length over the limit is refused before a
 * byte is read, and a body that grows past it stops being read at once. Memory stays bounded by `limit`.
 */
export function readBody(req: IncomingMessage, limit = FUNCTION_URL_MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        return reject(new BodyTooLarge());
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** How long a refused upload is drained before its connection is cut; memory stays flat meanwhile. */
const LINGER_MS = 2_000;

/**
 * Ends a connection whose upload was refused: the answer goes out with `Connection: close`, then our side of
 * the connection closes while the rest of the upload is read and dropped for a moment (a lingering close).
 * Closing outright with unread bytes sends a reset, and a reset makes the client's kernel discard the answer
 * before the client reads it; so where Node would destroy the socket after a closing answer, it only ends it.
 */
function lingerThenClose(req: IncomingMessage): void {
  const socket = req.socket;
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  socket.destroySoon = () => void socket.end();
  req.resume();
}

/**
 * The request target as sent: path and query string, unnormalised. Function URLs and API Gateway pass the
 * path on as the client wrote it; WHATWG URL parsing would resolve "." segments and read "//x" as a host.
 */
export function requestTarget(req: IncomingMessage): { path: string; query: string; params: URLSearchParams } {
  let target = req.url ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) target = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '') || '/';
  const q = target.indexOf('?');
  const query = q < 0 ? '' : target.slice(q + 1);
  return { path: q < 0 ? target : target.slice(0, q), query, params: new URLSearchParams(query) };
}

function joinedParams(params: URLSearchParams): Record<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of params) out.set(k, out.has(k) ? `${out.get(k)},${v}` : v);
  return Object.fromEntries(out);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** What a function URL event is made of: the request as the client sent it. */
export interface FunctionUrlRequest {
  method: string;
  /** Path and query string as sent, unnormalised. */
  path: string;
  query: string;
  headers: Record<string, string>;
  sourceIp: string;
  body: Buffer;
}

/** The event Lambda hands a function behind a function URL (payload format 2.0). */
export function functionUrlEventOf(r: FunctionUrlRequest): LambdaFunctionURLEvent {
  const { path, query } = r;
  const text = TEXT_TYPES.test(r.headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: query,
    headers: r.headers,
    // Function URLs join repeated parameters with commas.
    queryStringParameters: query ? joinedParams(new URLSearchParams(query)) : undefined,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: r.headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method: r.method, path, protocol: 'HTTP/1.1', sourceIp: r.sourceIp, userAgent: r.headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: r.body.length ? (text ? r.body.toString('utf8') : r.body.toString('base64')) : undefined,
    isBase64Encoded: r.body.length > 0 && !text,
  };
}

export function functionUrlEvent(req: IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
  const url = requestTarget(req);
  return functionUrlEventOf({ method: req.method ?? 'GET', path: url.path, query: url.query, headers: flatHeaders(req), sourceIp: sourceIp(req), body });
}

/** Runs a streaming handler for one HTTP exchange, decoding Lambda's prelude protocol into `res`. */
export async function invokeStreaming(
  handler: StreamifyHandler<LambdaFunctionURLEvent, void>,
  event: LambdaFunctionURLEvent,
  res: ServerResponse,
  functionName = 'op-chat',
): Promise<void> {
  const decoder = new PreludeDecoder(
    (prelude) => {
      res.writeHead(prelude.statusCode, prelude.headers);
      res.flushHeaders();
    },
    (bytes) => void (res.destroyed || res.write(bytes)),
  );
  // A client that leaves is not signalled to the handler, as in Lambda (the response stream's 'close' does
  // not fire there: aws-lambda-nodejs-runtime-interface-client#145): it runs on, its writes are dropped.
  const stream = responseStreamTo({
    write: (bytes, cb) => {
      if (!res.destroyed) decoder.write(bytes);
      cb();
    },
    end: () => void (res.destroyed || res.end()),
  });
  await handler(event, stream as unknown as awslambda.HttpResponseStream, lambdaContext(functionName));
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'The function returned no response.', type: 'server_error', param: null, code: null } }));
  }
}

/** An API Gateway REST proxy event: the admin API's (IAM caller `local-admin`), or the dashboard API's (no IAM caller). */
export function adminEvent(req: IncomingMessage, body: Buffer, api: 'admin' | 'dashboard' = 'admin'): APIGatewayProxyEvent {
  const url = requestTarget(req);
  const headers = flatHeaders(req);
  const caller = api === 'admin' ? 'local-admin' : null;
  return {
    resource: `/${api}/{proxy+}`,
    path: url.path,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders: {},
    // API Gateway's REST APIs keep the last of repeated parameters here.
    queryStringParameters: url.query ? Object.fromEntries(url.params) : null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body.length ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      identity: { sourceIp: sourceIp(req), userArn: caller, caller, user: caller },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export function sendJson(res: ServerResponse, status: number, message: string, type: string, code: string | null, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

/**
 * The function URL's CORS handling, which happens before the function is invoked: a preflight is answered
 * with the configured settings (lambda/wire/cors.ts, as the stack configures them), and any request from
 * a browser gets the allowed origin and the exposed headers. True when the request was answered.
 */
function functionUrlCors(req: IncomingMessage, res: ServerResponse): boolean {
  if (!req.headers.origin) return false;
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    res.writeHead(200, {
      'access-control-allow-origin': CORS.allowOrigins.join(','),
      'access-control-allow-methods': CORS.allowMethods.join(','),
      'access-control-allow-headers': CORS.allowHeaders.join(','),
      'access-control-max-age': String(CORS.maxAgeSeconds),
    });
    res.end();
    return true;
  }
  res.setHeader('access-control-allow-origin', CORS.allowOrigins.join(','));
  res.setHeader('access-control-expose-headers', CORS.exposeHeaders.join(','));
  return false;
}

/** What a local front does with one request once its body is read. */
export type FrontRoute = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void>;

/**
 * The request listener of both local fronts (in-process and runtime-API): /admin goes to the admin function
 * behind the local admin token, which stands in for API Gateway's IAM auth; everything else goes to the
 * chat function. A failure that escapes a route is a 502, or a cut connection once bytes went out.
 */
export function frontListener(routes: { chat: FrontRoute; admin?: FrontRoute; adminToken?: string; dashboard?: FrontRoute; web?: FrontRoute }, logPrefix: string): RequestListener {
  return (req, res) => {
    void (async () => {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (err) {
        if (!(err instanceof BodyTooLarge)) return; // the client went away mid-upload: nobody to answer
        lingerThenClose(req);
        return sendJson(res, 413, `Request must be smaller than ${FUNCTION_URL_MAX_BODY_BYTES} bytes.`, 'invalid_request_error', 'request_too_large', { connection: 'close' });
      }
      const path = requestTarget(req).path;
      if (path === '/admin' || path.startsWith('/admin/')) {
        if (!routes.admin) return sendJson(res, 404, 'The admin API is not enabled.', 'invalid_request_error', 'unknown_url');
        if (!routes.adminToken || req.headers.authorization !== `Bearer ${routes.adminToken}`) {
          return sendJson(res, 403, 'Missing or wrong admin token (OP_ADMIN_TOKEN).', 'invalid_request_error', 'forbidden');
        }
        return routes.admin(req, res, body);
      }
      // The dashboard API: its own function behind its own API (Cognito JWTs, checked by the function).
      if (routes.dashboard && (path === '/dashboard/api' || path.startsWith('/dashboard/api/'))) return routes.dashboard(req, res, body);
      // The dashboard's page and assets (S3 behind CloudFront in AWS).
      if (routes.web && (req.method === 'GET' || req.method === 'HEAD') && (path === '/' || path.startsWith('/assets/') || path === '/dashboard/config.json')) return routes.web(req, res, body);
      if (functionUrlCors(req, res)) return;
      await routes.chat(req, res, body);
    })().catch((err: unknown) => {
      console.error(logPrefix, err);
      if (!res.headersSent) sendJson(res, 502, 'The function failed.', 'server_error', null);
      else res.destroy();
    });
  };
}

/** A function behind API Gateway's REST proxy, as a front route. */
function proxyRoute(handler: AdminHandler, api: 'admin' | 'dashboard'): FrontRoute {
  return async (req, res, body) => {
    const out = await handler(adminEvent(req, body, api), lambdaContext(`op-${api}`, 30_000));
    res.writeHead(out.statusCode, { 'content-type': 'application/json', ...(out.headers as Record<string, string> | undefined) });
    res.end(out.body);
  };
}

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const serve = frontListener(
    {
      chat: (req, res, body) => invokeStreaming(options.chat, functionUrlEvent(req, body), res),
      ...(options.admin ? { admin: proxyRoute(options.admin, 'admin') } : {}),
      adminToken: options.adminToken,
      ...(options.dashboard ? { dashboard: proxyRoute(options.dashboard, 'dashboard') } : {}),
      ...(options.web ? { web: options.web } : {}),
    },
    'local runtime: invocation failed',
  );
  return listenLocal(serve, options);
}
