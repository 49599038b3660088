// The lean DynamoDB transport every store uses (document.ts puts plain values on top): the JSON protocol
// (POST, X-Amz-Target) over the outbound HTTP/1.1 client (net/: one keep-alive pool per origin), signed
// with SigV4 here. The SDK client spends 0.3 to 1 ms of CPU per call on its middleware stack, endpoint rules
// and serde, and about 100 ms of cold start to load; this path spends a small part of that and loads nothing.
//
// Semantics: additions are not safe to resend after a lost answer, so a write is sent again only when
// DynamoDB said it did not act on it (throttled, or 503), with full-jitter backoff inside a time budget;
// a read is also sent again after a timeout or a dropped connection. Connect and request times are
// bounded; a refused condition surfaces as ConditionalCheckFailedException (carrying the item as it was,
// when DynamoDB returned it), every other failure as an error named for DynamoDB's error type.
// Every request asks for its consumed capacity, so cost is counted from what DynamoDB charged.
import { createHmac, hash } from 'node:crypto';
import type { Http1Client } from '../net/http1-client';
import { acquireClient, releaseClient } from '../net/pools';

/** DynamoDB's wire form of a value; only the scalar types the gateway writes. */
export type AttributeValue = { S: string } | { N: string } | { BOOL: boolean } | { NULL: true };
export type Scalar = string | number | boolean | null;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface DynamoHttpOptions {
  region: string;
  /** Default: https://dynamodb.<region>.amazonaws.com */
  endpoint?: string;
  /** Resolved per call (the provider is expected to cache and refresh, as the SDK's does); fixed ones need no promise. */
  credentials: () => Credentials | Promise<Credentials>;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Called once per request sent, with the operation name (UpdateItem, PutItem, GetItem). */
  onSend?: (operation: string) => void;
  /** Called with the capacity units DynamoDB reports for each request (refused conditions included). */
  onCapacity?: (operation: string, units: number) => void;
  /** How long a throttled request may keep being retried, all tries together (ms). */
  retryBudgetMs?: number;
  /** [0, 1); the jitter's source, replaceable in tests. */
  random?: () => number;
}

export type Operation = 'UpdateItem' | 'PutItem' | 'GetItem' | 'DeleteItem' | 'Query' | 'Scan' | 'BatchGetItem' | 'BatchWriteItem';

/** Reads: safe to send again after any failure, a lost answer included. */
const READS: ReadonlySet<Operation> = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
export const isRead = (operation: string): boolean => READS.has(operation as Operation);

/** DynamoDB's answers that mean the request was not acted on: safe to send again, after a pause. */
const NOT_APPLIED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'HTTP 503', 'ServiceUnavailable']);
/** Failures after which only a read may be sent again: a write may have landed. */
const MAYBE_APPLIED = new Set(['InternalServerError', 'TimeoutError', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']);
const BACKOFF_BASE_MS = 25;
const BACKOFF_CAP_MS = 400;

/** A write's condition did not hold; `item` is the item as it was, when asked for (ReturnValuesOnConditionCheckFailure). */
export class ConditionalCheckFailedException extends Error {
  override readonly name = 'ConditionalCheckFailedException';
  item?: Record<string, Record<string, unknown>>;
}
export type RefusedCondition = ConditionalCheckFailedException;

export function marshall(value: Scalar): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  return { BOOL: value };
}

/** Marshalls a flat record; undefined fields are left out (as the document client's removeUndefinedValues). */
export function marshallItem(item: Record<string, Scalar | undefined>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = marshall(v);
  return out;
}

/** The numeric attributes of a returned item (UPDATED_NEW of ADDs); others are left out. */
export function numbersOf(item: Record<string, Record<string, unknown>> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(item ?? {})) if (typeof v.N === 'string') out[k] = Number(v.N);
  return out;
}

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const sha256Hex = (data: string) => hash('sha256', data, 'hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export class DynamoHttp {
  private readonly url: URL;
  private readonly client: Http1Client;
  private destroyed = false;
  /** The SigV4 signing key of one day and secret: derived once a day, not per request. */
  private signingKey?: { scope: string; secret: string; key: Buffer };
  private lastDate?: { second: number; text: string };

  constructor(private readonly options: DynamoHttpOptions) {
    this.url = new URL(options.endpoint ?? `https://dynamodb.${options.region}.amazonaws.com`);
    this.client = acquireClient(this.url.origin, { connectTimeoutMs: options.connectionTimeoutMs });
  }

  async send<T>(operation: Operation, input: object): Promise<T> {
    const body = JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' });
    const deadline = Date.now() + (this.options.retryBudgetMs ?? 500);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(operation, body);
      } catch (err) {
        const name = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.name) : '';
        const again = NOT_APPLIED.has(name) || (isRead(operation) && MAYBE_APPLIED.has(name));
        // Full jitter: instances that were throttled together do not come back together.
        const pause = (this.options.random ?? Math.random)() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        if (!again || Date.now() + pause >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  /** One exchange, bounded as a whole; a stale pooled connection is the client's to retry (see http1-client.ts). */
  private async once<T>(operation: Operation, body: string): Promise<T> {
    const credentials = this.options.credentials();
    const headers = this.sign(operation, body, credentials instanceof Promise ? await credentials : credentials, new Date());
    this.options.onSend?.(operation);
    const answer = await this.client.request({ method: 'POST', path: '/', headers, body, timeoutMs: this.options.requestTimeoutMs });
    const status = answer.status;
    const text = await answer.text();
    const parsed = (text ? JSON.parse(text) : {}) as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> };
    // One object, or one per table for batches.
    const consumed = parsed?.ConsumedCapacity;
    if (consumed) this.options.onCapacity?.(operation, (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0));
    if (status === 200) return parsed as T;
    const { __type, message, Message, Item } = (parsed ?? {}) as { __type?: string; message?: string; Message?: string; Item?: Record<string, Record<string, unknown>> };
    const type = (__type ?? `HTTP ${status}`).split('#').pop() ?? 'UnknownError';
    const detail = message ?? Message ?? '';
    if (type === 'ConditionalCheckFailedException') {
      const refused = new ConditionalCheckFailedException(detail || 'The conditional request failed');
      if (Item) refused.item = Item;
      throw refused;
    }
    throw Object.assign(new Error(`DynamoDB ${operation} failed: ${type}${detail ? `: ${detail}` : ''}`), { name: type, statusCode: status });
  }

  /** Gives up this transport's share of the pool; the last one out closes its connections. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    releaseClient(this.url.origin);
  }

  /** The request's headers with SigV4 (service dynamodb) over all of them; tests check it against the SDK's signer. */
  sign(operation: Operation, body: string, credentials: Credentials, now: Date): Record<string, string> {
    const amzDate = this.amzDateOf(now);
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.options.region}/dynamodb/aws4_request`;
    const target = `DynamoDB_20120810.${operation}`;
    const token = credentials.sessionToken;
    // The signed headers are these, already in the sorted order SigV4 wants.
    const signedHeaders = token ? 'content-type;host;x-amz-date;x-amz-security-token;x-amz-target' : 'content-type;host;x-amz-date;x-amz-target';
    const canonical =
      `POST\n/\n\ncontent-type:${CONTENT_TYPE}\nhost:${this.url.host}\nx-amz-date:${amzDate}\n` +
      `${token ? `x-amz-security-token:${token}\n` : ''}x-amz-target:${target}\n\n${signedHeaders}\n${sha256Hex(body)}`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    if (this.signingKey?.scope !== scope || this.signingKey.secret !== credentials.secretAccessKey) {
      const key = ['dynamodb', 'aws4_request'].reduce(hmac, hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), this.options.region));
      this.signingKey = { scope, secret: credentials.secretAccessKey, key };
    }
    const signature = createHmac('sha256', this.signingKey.key).update(toSign, 'utf8').digest('hex');
    return {
      'content-type': CONTENT_TYPE,
      host: this.url.host,
      'x-amz-date': amzDate,
      ...(token ? { 'x-amz-security-token': token } : {}),
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }

  /** SigV4's basic ISO 8601 time ("20261202T193000Z"), computed once per second. */
  private amzDateOf(now: Date): string {
    const second = Math.floor(now.getTime() / 1000);
    if (this.lastDate?.second !== second) this.lastDate = { second, text: now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '') };
    return this.lastDate.text;
  }
}
