import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TABLES, type TableDefinition } from '../lambda/store/tables';

export type TableId = TableDefinition['id'];

/**
 * The gateway's DynamoDB tables, built from lambda/store/tables.ts so the deployed schema and the local
 * (dynalite) bootstrap cannot drift apart. Names are left to CloudFormation and reach the functions
 * through their environment.
 */
export class GatewayTables extends Construct {
  readonly byId: Readonly<Record<TableId, dynamodb.Table>>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const byId: Partial<Record<TableId, dynamodb.Table>> = {};
    for (const definition of TABLES) byId[definition.id] = this.build(definition);
    this.byId = byId as Record<TableId, dynamodb.Table>;
  }

  /** Item read/write on every table and its indexes; no table management, no streams, no backups. */
  grantReadWriteData(grantee: iam.IGrantable): void {
    for (const table of Object.values(this.byId)) table.grantReadWriteData(grantee);
  }

  /**
   * Exactly `actions` on one table and the indexes lambda/store/tables.ts declares for it, by name (no
   * `index/*` wildcard): for functions that need a narrow slice rather than grantReadWriteData.
   */
  grantItemActions(grantee: iam.IGrantable, tableId: TableId, actions: readonly string[]): void {
    const table = this.byId[tableId];
    const indexes = TABLES.find((t) => t.id === tableId)?.indexes ?? [];
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns: [table.tableArn, ...indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
    });
  }

  /** The environment the store reads its table names from (see lambda/config.ts). */
  environment(): Record<string, string> {
    return {
      OP_KEYS_TABLE: this.byId.keys.tableName,
      OP_COUNTERS_TABLE: this.byId.counters.tableName,
      OP_USAGE_TABLE: this.byId.usage.tableName,
      OP_RESPONSES_TABLE: this.byId.responses.tableName,
    };
  }

  private build(definition: TableDefinition): dynamodb.Table {
    const table = new dynamodb.Table(this, definition.id, {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: definition.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: definition.durable },
      // Durable tables hold accounts, keys and billing records: they outlive the stack and cannot be
      // deleted by accident. The rest is rebuilt by traffic within minutes.
      removalPolicy: definition.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtection: definition.durable,
    });
    if (!definition.durable) {
      NagSuppressions.addResourceSuppressions(table, [
        {
          id: 'AwsSolutions-DDB3',
          reason: `The ${definition.id} table holds only short-lived state (${definition.purpose}) that traffic rebuilds; restoring an old copy would be wrong, not helpful.`,
        },
      ]);
    }
    for (const index of definition.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }
}
