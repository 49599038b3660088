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

/** The dialect and endpoint for a method and path; undefined when no dialect serves the path. */
export function routeFor(method: string, path: string): RouteMatch | undefined {
  for (const dialect of Object.values(DIALECTS) as Dialect[]) {
    const matches = dialect.endpoints.flatMap((e) => {
      const m = e.path.exec(path);
      return m ? [{ e, params: m.slice(1) }] : [];
    });
    if (!matches.length) continue;
    const hit = matches.find((x) => x.e.method === method);
    return { dialect, ...(hit ? { endpoint: hit.e } : {}), params: hit?.params ?? matches[0]!.params, allowed: [...new Set(matches.map((x) => x.e.method))] };
  }
  return undefined;
}
