// An exchange (core/lifecycle.ts) as the edge writes it: the dialect's JSON or SSE for the outcome, with the
// key's rate-limit and routing headers, and the exchange's finalize (settlement) attached in every case.
import type { CanonicalResult, StreamPart } from '../core/canonical/result';
import type { Exchange, Served } from '../core/lifecycle';
import type { CoreResult } from '../core/result';
import type { Dialect } from './dialect';

export interface ExchangeRenderer {
  json(result: CanonicalResult, served: Served): unknown | Promise<unknown>;
  stream(parts: AsyncIterable<StreamPart>, served: Served): AsyncIterable<string>;
}

export async function respond(exchange: Exchange, dialect: Pick<Dialect, 'renderError'>, render: ExchangeRenderer): Promise<CoreResult> {
  const { outcome, headers, finalize } = exchange;
  try {
    if (outcome.kind === 'error') {
      const e = dialect.renderError(outcome.error);
      return { kind: 'json', status: e.status, headers: { ...headers, ...e.headers }, body: e.body, finalize };
    }
    if (outcome.kind === 'complete') return { kind: 'json', status: 200, headers, body: await render.json(outcome.result, outcome.served), finalize };
    return { kind: 'stream', status: 200, headers, events: render.stream(outcome.parts, outcome.served), finalize };
  } catch (err) {
    // Rendering failed before anything was written: the request still settles, once, then the error goes out.
    await finalize();
    throw err;
  }
}

/** Epoch seconds, as OpenAI's `created` fields are. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);
