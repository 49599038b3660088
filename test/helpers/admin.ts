// Talking to the local gateway's admin API in tests, and looking at what it stored.
import OpenAI from 'openai';
import { ScanCommand } from '../../lambda/store/document';
import type { AccountWire, KeyWire } from '../../bin/admin/render';
import type { LocalGateway } from '../../lambda/local/gateway';
import { createDocumentClient } from '../../lambda/store/dynamo';

// The admin API's objects as the CLI reads them: tests and CLI share one description of the wire shapes.
export type AccountOut = AccountWire;
export type KeyOut = KeyWire;

export interface ErrorOut {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  json: T;
}

/** A body given as `{ raw }` is sent exactly as written (bad JSON, oversized bodies). */
export type Body = unknown | { raw: string };
const isRaw = (b: Body): b is { raw: string } => typeof b === 'object' && b !== null && 'raw' in b;

export function adminClient(gw: LocalGateway) {
  async function call<T = unknown>(method: string, path: string, body?: Body): Promise<Reply<T>> {
    const text = body === undefined ? undefined : isRaw(body) ? body.raw : JSON.stringify(body);
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
      body: text,
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as T };
  }

  async function ok<T>(method: string, path: string, body?: Body): Promise<T> {
    const reply = await call<T>(method, path, body);
    if (reply.status !== 200) throw new Error(`${method} ${path} -> ${reply.status} ${JSON.stringify(reply.json)}`);
    return reply.json;
  }

  return {
    call,
    ok,
    createAccount: (name: string, plan: string, extra: Record<string, unknown> = {}) =>
      ok<AccountOut>('POST', '/admin/accounts', { name, plan, ...extra }),
    createKey: (accountId: string, body: Record<string, unknown> = {}) => ok<KeyOut>('POST', `/admin/accounts/${accountId}/keys`, body),
    listKeys: async (accountId: string) => (await ok<{ data: KeyOut[] }>('GET', `/admin/accounts/${accountId}/keys`)).data,
  };
}

/** An SDK client for a key, connecting over IPv4 (127.0.0.1) or IPv6 (::1). */
export function sdk(gw: LocalGateway, apiKey: string, family: 'v4' | 'v6' = 'v4', headers: Record<string, string> = {}): OpenAI {
  const baseURL = family === 'v4' ? gw.baseUrl : gw.baseUrl.replace('127.0.0.1', '[::1]');
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, defaultHeaders: headers });
}

/** Every item in the keys table, canonically ordered: equal snapshots mean nothing was written. */
export async function keysTableSnapshot(gw: LocalGateway): Promise<string[]> {
  const doc = createDocumentClient({ dynamoEndpoint: gw.dynamoEndpoint, region: gw.deps.config.region });
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: gw.deps.config.tables.keys, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(JSON.stringify(Object.fromEntries(Object.entries(item).sort())));
    start = page.LastEvaluatedKey;
  } while (start);
  doc.destroy();
  return items.sort();
}

/** The status and error of a rejected SDK call. */
export async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string | null | undefined; message: string; error: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { status: error.status ?? 0, code: error.code, message: error.message, error };
    throw error;
  }
  throw new Error('expected the call to fail');
}
