// The admin API over HTTP: the admin token for a local gateway, SigV4 for a deployed stack. Every failure
// becomes a CliError that says what happened and what to check.
import { CliError } from './errors';
import { regionOf, signedHeaders, type SignOptions } from './signing';

export interface ClientOptions {
  /** The stack's AdminApiUrl (".../prod/") or a local gateway URL ("http://127.0.0.1:8787"). */
  endpoint: string;
  /** Local gateway: the admin token `npm start` prints. Without it requests are SigV4-signed. */
  token?: string;
  region?: string;
  profile?: string;
  credentials?: SignOptions['credentials'];
  timeoutMs?: number;
}

interface OpenAIErrorBody {
  error: { message: string; type?: string; param?: string | null; code?: string | null };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOpenAIError = (v: unknown): v is OpenAIErrorBody =>
  isRecord(v) && isRecord(v.error) && typeof v.error.message === 'string';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The network error's code (ECONNREFUSED, ENOTFOUND, ...) from fetch's "fetch failed". */
function networkCode(err: unknown): string {
  let e: unknown = err;
  let message = String(err);
  for (let i = 0; i < 4 && e instanceof Error; i++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return code;
    if (e.name === 'TimeoutError') return 'timed out';
    message = e.message;
    e = e.cause;
  }
  return message;
}

export class AdminClient {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new CliError(`The endpoint '${options.endpoint}' is not a URL. Use the stack output AdminApiUrl or a local gateway URL.`, 2);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(`The endpoint must be an http(s) URL, got '${options.endpoint}'.`, 2);
    this.base = url.href.replace(/\/+$/, '');
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(`${this.base}${path}`);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json', ...(text !== undefined ? { 'content-type': 'application/json' } : {}) };
    const sent = this.options.token
      ? { ...headers, authorization: `Bearer ${this.options.token}` }
      : await signedHeaders(method, url, headers, text, {
          region: regionOf(url, this.options.region),
          profile: this.options.profile,
          credentials: this.options.credentials,
        });
    let response: Response;
    try {
      response = await fetch(url, { method, headers: sent, body: text, signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (err) {
      throw new CliError(
        `Cannot reach the admin API at ${this.base} (${networkCode(err)}). Check --endpoint / OP_ADMIN_ENDPOINT, and that the gateway is running.`,
      );
    }
    const raw = await response.text();
    const parsed = parseJson(raw);
    if (response.ok && parsed !== undefined && !isOpenAIError(parsed)) return parsed;
    throw this.failure(response.status, parsed);
  }

  private failure(status: number, parsed: unknown): CliError {
    if (isOpenAIError(parsed)) {
      const { message, param, code, type } = parsed.error;
      let line = `Error ${status}${code || type ? ` (${code ?? type})` : ''}: ${message}`;
      if (param) line += `\n  param: ${param}`;
      if (code === 'unknown_url') line += `\n  The endpoint answered, but not with this route: is ${this.base} an OriginalPoint admin API of this version?`;
      if (status === 403 && code === 'forbidden') line += '\n  A local gateway needs its admin token: pass --token or set OP_ADMIN_TOKEN (npm start prints it).';
      return new CliError(line);
    }
    // API Gateway's own answers (before our function runs) are {"message": "..."}.
    if (isRecord(parsed) && typeof parsed.message === 'string') {
      let line = `Error ${status} from API Gateway: ${parsed.message}`;
      if (/Missing Authentication Token/i.test(parsed.message)) {
        line += `\n  No such route under ${this.base}: the endpoint should be the stack output AdminApiUrl (ending in /prod/).`;
      } else if (status === 403) {
        line += '\n  The AWS identity signing the request needs execute-api:Invoke on the admin API.';
      }
      return new CliError(line);
    }
    return new CliError(
      `${this.base} did not answer like the OriginalPoint admin API (HTTP ${status}). ` +
        'Check --endpoint: it should be the stack output AdminApiUrl or a local gateway URL such as http://127.0.0.1:8787.',
    );
  }
}
