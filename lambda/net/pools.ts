// One client (one keep-alive pool) per origin for the whole process, shared by everything that reaches that
// origin: a cold start opens one connection to DynamoDB (in AWS, one TLS handshake), not one per store.
import { Http1Client, type ClientOptions } from './http1-client';

const POOLS = new Map<string, { client: Http1Client; users: number }>();

/** The origin's shared client; each call is one use, given back with `releaseClient`. */
export function acquireClient(origin: string, options?: ClientOptions): Http1Client {
  let pool = POOLS.get(origin);
  if (!pool) {
    pool = { client: new Http1Client(origin, options), users: 0 };
    POOLS.set(origin, pool);
  }
  pool.users++;
  return pool.client;
}

/** Gives up one use; the last one out closes the origin's connections. */
export function releaseClient(origin: string): void {
  const pool = POOLS.get(origin);
  if (!pool || --pool.users > 0) return;
  pool.client.destroy();
  POOLS.delete(origin);
}

/**
 * The origin's client for the rest of the process (providers, which live as long as it does). No bound on
 * connections, as fetch has none: a local gateway holds as many streams open as it has clients (in Lambda,
 * each instance serves one request at a time).
 */
export function clientFor(origin: string): Http1Client {
  return POOLS.get(origin)?.client ?? acquireClient(origin, { maxSockets: Number.POSITIVE_INFINITY });
}
