// Creates the tables from the single source of definitions (tables.ts), for the local runtime and tests.
// In AWS the CDK stack creates them from the same definitions.
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config';
import { PARTITION_KEY, SORT_KEY, TABLES, type TableDefinition } from './tables';

export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attributes = new Set([PARTITION_KEY, SORT_KEY, ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ],
    ...(def.indexes.length
      ? {
          GlobalSecondaryIndexes: def.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: [
              { AttributeName: i.partitionKey, KeyType: 'HASH' },
              { AttributeName: i.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}

/** Creates every table that does not exist yet. */
export async function ensureTables(config: Pick<Config, 'dynamoEndpoint' | 'region' | 'tables'>): Promise<void> {
  const client = new DynamoDBClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const def of TABLES) {
      try {
        await client.send(new CreateTableCommand(createTableInput(def, config.tables[def.id])));
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
    }
  } finally {
    client.destroy();
  }
}
