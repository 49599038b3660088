// Counts the DynamoDB requests the gateway sends, by label, so a benchmark can report requests per admitted
// request (`limits.admit` is the hot path before the upstream call). Counting is an integer increment per
// request, cheap enough to stay on.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestCounts } from '../core/records';
import type { DynamoHttp } from './dynamo-http';

export class RequestCounter implements RequestCounts {
  private counts = new Map<string, number>();

  count(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}

/** Counts every command sent through `doc` under "dynamodb.<Command>" (e.g. "dynamodb.UpdateCommand"). */
export function countRequests(doc: DynamoDBDocumentClient, counter: RequestCounter): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      counter.count(`dynamodb.${context.commandName ?? 'unknown'}`);
      return next(args);
    },
    { step: 'initialize', name: 'opRequestCounter' },
  );
}

/**
 * The shape both per-request stores share: writes every request makes go over the lean transport (`http`),
 * everything else over the document client, each request counted under "<area>.<label>".
 */
export abstract class CountedStore {
  constructor(
    protected readonly doc: DynamoDBDocumentClient,
    protected readonly http: DynamoHttp,
    protected readonly table: string,
    protected readonly counter: RequestCounter,
    private readonly area: 'limits' | 'usage',
  ) {}

  /** The client, with the request about to be sent counted under `label`. */
  protected client(label: string): DynamoDBDocumentClient {
    this.counter.count(`${this.area}.${label}`);
    return this.doc;
  }
}
