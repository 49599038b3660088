// Counts the DynamoDB requests the gateway sends, by label, and the capacity units DynamoDB charged for them
// ("wcu.dynamodb.<Operation>", "rcu.dynamodb.<Operation>", from ConsumedCapacity), so a benchmark reports
// what a request costs as counted, not assumed. Counting is an addition per request, cheap enough to stay on.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RequestCounts } from '../core/records';
import type { DynamoHttp } from './dynamo-http';

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

const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;
const CAPACITY = /^(Get|Put|Update|Delete|Query|Scan|BatchGet|BatchWrite|TransactGet|TransactWrite)/;

/** Capacity units of one answer: ConsumedCapacity is one object, or one per table for batches. */
function unitsOf(output: unknown): number {
  const c = (output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> } | undefined)?.ConsumedCapacity;
  if (!c) return 0;
  return (Array.isArray(c) ? c : [c]).reduce((sum, x) => sum + (x.CapacityUnits ?? 0), 0);
}

/**
 * Counts every command sent through `doc` under "dynamodb.<Command>" (e.g. "dynamodb.UpdateCommand"), and
 * asks each for its consumed capacity, counted as above.
 */
export function countRequests(doc: DynamoDBDocumentClient, counter: RequestCounter): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      counter.count(`dynamodb.${command}Command`);
      if (!CAPACITY.test(command)) return next(args);
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(args);
      counter.add(`${WRITES.test(command) ? 'wcu' : 'rcu'}.dynamodb.${command}`, unitsOf(out.output));
      return out;
    },
    { step: 'initialize', name: 'opRequestCounter' },
  );
}

/** The transport's report of charged units, in the counter's labels. */
export function countCapacity(counter: RequestCounter): (operation: string, units: number) => void {
  return (operation, units) => counter.add(`${operation === 'GetItem' ? 'rcu' : 'wcu'}.dynamodb.${operation}`, units);
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
