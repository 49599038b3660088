// The single source of the table definitions: the CDK stack and the local bootstrap both read this.
// Every table has a string partition key `pk` and sort key `sk`; items that expire carry `ttl`
// (epoch seconds, DynamoDB's TTL attribute). Index `gsi1` (gsi1pk/gsi1sk) is an overloaded secondary
// index for listings (an account's keys, accounts by creation).

export interface TableDefinition {
  /** Logical id, used for the CDK construct id and the default table name (`op-<id>`). */
  id: 'keys' | 'counters' | 'usage' | 'responses';
  /** What the table holds; ends up in the stack's documentation. */
  purpose: string;
  ttlAttribute?: string;
  /** Point-in-time recovery and RETAIN on stack deletion: data that cannot be rebuilt. */
  durable: boolean;
  indexes: ReadonlyArray<{ name: string; partitionKey: string; sortKey: string }>;
  /** A stream of new item images, for the consumer named. */
  stream?: 'usage';
}

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'ttl';

export const TABLES: readonly TableDefinition[] = [
  {
    id: 'keys',
    purpose: 'accounts, API keys (by SHA-256 hash of the secret) and the admin audit log',
    durable: true,
    ttlAttribute: TTL_ATTRIBUTE,
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  {
    id: 'counters',
    purpose: 'rate-limit windows, concurrency leases and the last usage record per key shard (streamed to the aggregator), provider health and latency statistics',
    durable: false,
    ttlAttribute: TTL_ATTRIBUTE,
    indexes: [],
    stream: 'usage',
  },
  {
    id: 'usage',
    purpose: 'per-request usage records and per-day aggregates',
    durable: true,
    ttlAttribute: TTL_ATTRIBUTE,
    indexes: [],
  },
  {
    id: 'responses',
    purpose: 'stored Responses API responses (store: true) for previous_response_id, kept OP_RESPONSES_RETENTION_DAYS',
    durable: false,
    ttlAttribute: TTL_ATTRIBUTE,
    indexes: [],
  },
];

/**
 * The usage stream's event source: batches of at most `batchSize` records, or what arrived within
 * `maxBatchingWindowSeconds`. One source for the stack's event source mapping and the local one; a record
 * reaches the usage report within about this window plus the aggregator's run.
 */
export const USAGE_STREAM = { batchSize: 100, maxBatchingWindowSeconds: 2 } as const;

/** The keys table's partition that holds the model catalog (store/catalog-store.ts); the chat role may read only it. */
export const CATALOG_PK = 'CATALOG';
