// Every API the gateway serves, by name. A new dialect is its folder and one entry here; the names are this
// object's keys, so usage records, logs and the compiler all agree on them.
import { anthropicMessages } from './anthropic-messages';
import type { Dialect, Endpoint } from './dialect';
import { openaiChat } from './openai-chat';
import { openaiResponses } from './openai-responses';

export const DIALECTS = {
  'openai-chat': openaiChat,
  'openai-responses': openaiResponses,
  'anthropic-messages': anthropicMessages,
} satisfies Record<string, Dialect>;

export type DialectId = keyof typeof DIALECTS;

/** Errors on paths no dialect serves are rendered in OpenAI's shape, the gateway's default. */
export const DEFAULT_DIALECT: Dialect = openaiChat;

export interface RouteMatch {
  dialect: Dialect;
  /** The endpoint for this method, or undefined when the path is served but not with this method. */
  endpoint?: Endpoint;
  params: string[];
  /** The methods the path is served with (for 405's Allow header). */
  allowed: string[];
}

const ALL: readonly Dialect[] = Object.values(DIALECTS);

/** The dialect and endpoint for a method and path; undefined when no dialect serves the path. */
export function routeFor(method: string, path: string): RouteMatch | undefined {
  for (const dialect of ALL) {
    let hit: { endpoint: Endpoint; params: RegExpExecArray } | undefined;
    let first: RegExpExecArray | undefined;
    const allowed: string[] = [];
    for (const endpoint of dialect.endpoints) {
      const m = endpoint.path.exec(path);
      if (!m) continue;
      first ??= m;
      if (!allowed.includes(endpoint.method)) allowed.push(endpoint.method);
      if (!hit && endpoint.method === method) hit = { endpoint, params: m };
    }
    if (!first) continue;
    return { dialect, ...(hit ? { endpoint: hit.endpoint } : {}), params: (hit?.params ?? first).slice(1), allowed };
  }
  return undefined;
}
