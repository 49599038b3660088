// The one DynamoDB store, used by Lambda in AWS, by the local runtime (against dynalite) and by tests.
import type { Config } from '../config';
import type { Store } from '../core/records';
import { DynamoAuditLog } from './audit-log';
import { DynamoCatalogStore } from './catalog-store';
import { storeCredentials } from './credentials';
import { DocClient } from './document';
import { DynamoEventLog } from './event-log';
import { DynamoMemberStore } from './member-store';
import { DynamoHttp } from './dynamo-http';
import { DynamoKeyStore } from './key-store';
import { DynamoLimitStore } from './limit-store';
import { RequestCounter, countCapacity } from './request-counter';
import { DynamoResponseStore } from './response-store';
import { DynamoUsageStore } from './usage-store';

type StoreConfig = Pick<Config, 'dynamoEndpoint' | 'region'> & Partial<Pick<Config, 'env'>>;

export interface ClientOptions {
  /** Bounds on one request, so an unreachable store fails fast instead of holding the caller. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  counter?: RequestCounter;
}

/** The lean transport with the store's credentials; every request counted when a counter is given. */
export function createTransport(config: StoreConfig, options: ClientOptions = {}): DynamoHttp {
  const counter = options.counter;
  return new DynamoHttp({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    credentials: storeCredentials({ dynamoEndpoint: config.dynamoEndpoint, env: config.env ?? {} }),
    connectionTimeoutMs: options.connectionTimeoutMs ?? 2_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    ...(counter ? { onSend: (operation: string) => counter.count(`dynamodb.${operation}Command`), onCapacity: countCapacity(counter) } : {}),
  });
}

export function createDocumentClient(config: StoreConfig, options: ClientOptions = {}): DocClient {
  return new DocClient(createTransport(config, options));
}

export function createStore(config: StoreConfig & Pick<Config, 'tables'>): Store {
  const requests = new RequestCounter();
  const doc = createDocumentClient(config, { counter: requests });
  // Counters and usage use additions, which are not safe to resend after a lost answer: the transport
  // resends only what DynamoDB did not act on, and each request is on a short leash.
  const writes = createTransport(config, { counter: requests, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
  const counted = new DocClient(writes);
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
