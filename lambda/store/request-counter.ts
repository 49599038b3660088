// Counts the DynamoDB requests the gateway sends, by label, and the capacity units DynamoDB charged for them
// ("wcu.dynamodb.<Operation>", "rcu.dynamodb.<Operation>", from ConsumedCapacity), so a benchmark reports
// what a request costs as counted, not assumed. Counting is an addition per request, cheap enough to stay on.
import type { RequestCounts } from '../core/records';
import type { DocClient } from './document';
import { isRead, type DynamoHttp } from './dynamo-http';

export class RequestCounter implements RequestCounts {
  private counts = new Map<string, number>();

  count(label: string): void {
    this.add(label, 1);
  }

  add(label: string, amount: number): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + amount);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}

/** The transport's report of charged units, in the counter's labels. */
export function countCapacity(counter: RequestCounter): (operation: string, units: number) => void {
  return (operation, units) => counter.add(`${isRead(operation) ? 'rcu' : 'wcu'}.dynamodb.${operation}`, units);
}

/**
 * The shape both per-request stores share: writes every request makes go to the transport (`http`) as wire
 * items, everything else through the document client, each request counted under "<area>.<label>".
 */
export abstract class CountedStore {
  constructor(
    protected readonly doc: DocClient,
    protected readonly http: DynamoHttp,
    protected readonly table: string,
    protected readonly counter: RequestCounter,
    private readonly area: 'limits' | 'usage',
  ) {}

  /** The client, with the request about to be sent counted under `label`. */
  protected client(label: string): DocClient {
    this.counter.count(`${this.area}.${label}`);
    return this.doc;
  }
}
