import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TABLES, type TableDefinition } from '../lambda/store/tables';

export type TableId = TableDefinition['id'];

export type DurableTableId = Extract<TableId, 'keys' | 'usage'>;

export interface GatewayTablesProps {
  /** Physical names are `<prefix>-<id>`: stable, so data outlives a stack and a new stack can find it. */
  namePrefix: string;
  /**
   * Retained tables to adopt instead of creating: after `cdk destroy` (which keeps them) or from an
   * earlier deployment, the new stack serves the same accounts, keys and usage. By table name.
   */
  existing?: Partial<Record<DurableTableId, string>>;
}

/**
 * The gateway's DynamoDB tables, built from lambda/store/tables.ts so the deployed schema and the local
 * (dynalite) bootstrap cannot drift apart. Names reach the functions through their environment.
 */
export class GatewayTables extends Construct {
  readonly byId: Readonly<Record<TableId, dynamodb.ITable>>;
  /** The counters table, whose stream feeds the usage aggregator; always created by the stack. */
  readonly counters: dynamodb.Table;

  constructor(scope: Construct, id: string, props: GatewayTablesProps) {
    super(scope, id);
    const byId: Partial<Record<TableId, dynamodb.ITable>> = {};
    for (const definition of TABLES) {
      const adopted = definition.id === 'keys' || definition.id === 'usage' ? props.existing?.[definition.id] : undefined;
      byId[definition.id] = adopted ? dynamodb.Table.fromTableName(this, definition.id, adopted) : this.build(definition, `${props.namePrefix}-${definition.id}`);
    }
    this.byId = byId as Record<TableId, dynamodb.ITable>;
    this.counters = byId.counters as dynamodb.Table;
  }

  /**
   * Exactly `actions` on one table and the indexes lambda/store/tables.ts declares for it, by name (no
   * `index/*` wildcard): for functions that need a narrow slice rather than grantReadWriteData.
   */
  grantItemActions(grantee: iam.IGrantable, tableId: TableId, actions: readonly string[], options: { indexes?: boolean } = {}): void {
    const table = this.byId[tableId];
    const indexes = options.indexes === false ? [] : (TABLES.find((t) => t.id === tableId)?.indexes ?? []);
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

  private build(definition: TableDefinition, tableName: string): dynamodb.Table {
    const table = new dynamodb.Table(this, definition.id, {
      tableName,
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
      ...(definition.stream ? { stream: dynamodb.StreamViewType.NEW_IMAGE } : {}),
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
