// The one DynamoDB store, used by Lambda in AWS, by the local runtime (against dynalite) and by tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import type { Store } from '../core/records';
import { DynamoAuditLog } from './audit-log';
import { DynamoCatalogStore } from './catalog-store';
import { DynamoEventLog } from './event-log';
import { DynamoMemberStore } from './member-store';
import { DynamoHttp } from './dynamo-http';
import { DynamoKeyStore } from './key-store';
import { DynamoLimitStore } from './limit-store';
import { RequestCounter, countCapacity, countRequests } from './request-counter';
import { DynamoResponseStore } from './response-store';
import { DynamoUsageStore } from './usage-store';

export interface ClientOptions {
  maxAttempts?: number;
  /** Bounds on one request, so an unreachable store fails fast instead of holding the caller. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export function createDocumentClient(config: Pick<Config, 'dynamoEndpoint' | 'region'>, options: ClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint
      ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // The gateway decides what a failure means (fail closed or open); a long SDK retry ladder would only
    // add latency to a request that is already waiting.
    maxAttempts: options.maxAttempts ?? 2,
    ...(options.requestTimeoutMs
      ? { requestHandler: { connectionTimeout: options.connectionTimeoutMs, requestTimeout: options.requestTimeoutMs } }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createStore(config: Pick<Config, 'dynamoEndpoint' | 'region' | 'tables'>): Store {
  const doc = createDocumentClient(config);
  // Counters and usage use additions, which are not safe to resend after a lost answer: no SDK retries
  // (the limiter and the ledger decide what a failure means), and a short leash on each request.
  const counted = createDocumentClient(config, { maxAttempts: 1, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
  const requests = new RequestCounter();
  countRequests(doc, requests);
  countRequests(counted, requests);
  // The per-request writes go over the lean transport, with the SDK client's own credential chain.
  const writes = new DynamoHttp({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    credentials: () => counted.config.credentials(),
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 3_000,
    onSend: (operation) => requests.count(`dynamodb.${operation}Command`),
    onCapacity: countCapacity(requests),
  });
  return {
    keys: new DynamoKeyStore(doc, config.tables.keys),
    audit: new DynamoAuditLog(doc, config.tables.keys),
    events: new DynamoEventLog(doc, config.tables.counters),
    catalog: new DynamoCatalogStore(doc, config.tables.keys),
    members: new DynamoMemberStore(doc, config.tables.keys),
    limits: new DynamoLimitStore(counted, writes, config.tables.counters, requests),
    usage: new DynamoUsageStore(doc, config.tables.usage, requests),
    responses: new DynamoResponseStore(doc, config.tables.responses),
    requests,
  };
}
