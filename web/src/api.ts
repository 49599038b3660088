// The dashboard API, with the session's ID token. Errors come back in OpenAI's shape; they are turned into
// an Error that carries the message in words and the field it names, for the form to show beside it.
import type { Config } from './config';
import type { Session } from './cognito';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly param: string | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function api(config: Config, session: Session, onSignedOut: () => void): Api {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${config.apiBase}${path}`, {
      method,
      headers: { authorization: `Bearer ${session.idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: { message: string; param: string | null; code: string | null } } & T;
    if (res.status === 401) onSignedOut();
    if (!res.ok) throw new ApiError(json.error?.message ?? `The dashboard API answered ${res.status}.`, res.status, json.error?.param ?? null, json.error?.code ?? null);
    return json;
  }
  return { get: (path) => request('GET', path), send: (method, path, body) => request(method, path, body) };
}
