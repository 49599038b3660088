// The one DynamoDB store, used by Lambda in AWS, by the local runtime (against dynalite) and by tests.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../config';
import type { Store } from '../core/records';
import { DynamoAuditLog } from './audit-log';
import { DynamoKeyStore } from './key-store';

export function createDocumentClient(config: Pick<Config, 'dynamoEndpoint' | 'region'>): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoEndpoint
      ? { endpoint: config.dynamoEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // The gateway decides what a failure means (fail closed or open); a long SDK retry ladder would only
    // add latency to a request that is already waiting.
    maxAttempts: 2,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createStore(config: Pick<Config, 'dynamoEndpoint' | 'region' | 'tables'>): Store {
  const doc = createDocumentClient(config);
  return {
    keys: new DynamoKeyStore(doc, config.tables.keys),
    audit: new DynamoAuditLog(doc, config.tables.keys),
  };
}
