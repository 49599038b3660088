// The HTTP front of the emulated functions, standing where the function URL and API Gateway stand in AWS:
// requests become the same events the in-process runtime builds (function URL payload 2.0 for /v1, REST
// proxy events for /admin), go to a pool of runtime-client processes, and their responses come back to
// the client: streamed bytes are decoded with the same PreludeDecoder and forwarded as they arrive.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PreludeDecoder, STREAMING_CONTENT_TYPE } from '../lambda-stream';
import { listenLocal } from '../listen';
import { adminEvent, frontListener, functionUrlEvent, sendJson, type LocalRuntime } from '../runtime';
import type { InvocationOutcome } from './environment';
import type { LambdaPool } from './pool';

export interface LambdaFrontOptions {
  port?: number;
  host?: string;
  chat: LambdaPool;
  admin?: LambdaPool;
  /** Locally the admin API is authorised by this bearer token, standing in for API Gateway's IAM auth. */
  adminToken?: string;
}

interface ProxyResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

function headerValues(headers: ProxyResult['headers'], cookies?: string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  if (cookies?.length) out['set-cookie'] = cookies;
  return out;
}

function failed(res: ServerResponse, outcome: InvocationOutcome): void {
  const error = outcome.kind === 'error' || outcome.kind === 'streamed' ? outcome.error : undefined;
  if (error) console.error(`lambda runtime: invocation failed: ${error.errorType}: ${error.errorMessage}`);
  // As the in-process runtime answers a failed function; once bytes went out, the connection is cut.
  if (!res.headersSent) sendJson(res, 502, 'The function failed.', 'server_error', null);
  else res.destroy();
}

/** A function URL with a buffered answer: the returned object is the response, anything else its JSON body. */
function writeBuffered(res: ServerResponse, payload: Buffer): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = parsed && typeof parsed === 'object' && 'statusCode' in parsed ? (parsed as ProxyResult) : undefined;
  if (!result) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(payload);
    return;
  }
  res.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...headerValues(result.headers, result.cookies) });
  res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
}

async function serveFunctionUrl(pool: LambdaPool, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  // A client that leaves is not signalled to the function, as in Lambda (the response stream's 'close'
  // does not fire there: aws-lambda-nodejs-runtime-interface-client#145): the function runs on, and what
  // it writes after is dropped.
  let decoder: PreludeDecoder | undefined;
  let rawType = 'application/octet-stream';
  const outcome = await pool.invoke({
    event: functionUrlEvent(req, body),
    onStreamStart(contentType) {
      if (contentType === STREAMING_CONTENT_TYPE) {
        decoder = new PreludeDecoder(
          (prelude) => {
            res.writeHead(prelude.statusCode, headerValues(prelude.headers, prelude.cookies));
            res.flushHeaders();
          },
          (bytes) => void (res.destroyed || res.write(bytes)),
        );
      } else {
        rawType = contentType;
      }
    },
    onBytes(bytes) {
      if (res.destroyed) return true;
      if (decoder) decoder.write(bytes);
      else {
        // A handler that streams without HttpResponseStream.from: the bytes are the body as they are.
        if (!res.headersSent) res.writeHead(200, { 'content-type': rawType });
        res.write(bytes);
      }
      return !res.writableNeedDrain;
    },
    onceDrain(resume) {
      res.once('drain', resume);
    },
  });
  if (outcome.kind === 'abandoned') return void res.destroy();
  if (outcome.kind === 'buffered') return writeBuffered(res, outcome.payload);
  if (outcome.kind === 'error' || outcome.error) return failed(res, outcome);
  if (!res.headersSent) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'The function returned no response.', type: 'server_error', param: null, code: null } }));
    return;
  }
  res.end();
}

async function serveAdmin(pool: LambdaPool, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const outcome = await pool.invoke({ event: adminEvent(req, body) });
  if (outcome.kind !== 'buffered') return failed(res, outcome);
  writeBuffered(res, outcome.payload);
}

export async function startLambdaFront(options: LambdaFrontOptions): Promise<LocalRuntime> {
  const admin = options.admin;
  const serve = frontListener(
    {
      chat: (req, res, body) => serveFunctionUrl(options.chat, req, res, body),
      admin: admin && ((req, res, body) => serveAdmin(admin, req, res, body)),
      adminToken: options.adminToken,
    },
    'lambda runtime: front failed',
  );
  // Listens as the in-process runtime does (loopback, IPv4 and IPv6), so the same clients and tests reach it.
  return listenLocal(serve, options);
}
