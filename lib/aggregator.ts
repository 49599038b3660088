import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { RECORD_FILTER } from '../lambda/store/limit-store';
import { USAGE_STREAM } from '../lambda/store/tables';
import { GatewayFunction } from './gateway-function';
import type { GatewayTables } from './tables';

/** What the aggregator may do to the usage table (lambda/store/usage-store.ts): read positions, add, put chunks. */
export const AGGREGATOR_USAGE_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] as const;

/**
 * The usage aggregator: the counters table's stream (filtered to images that carry a usage record) into
 * a function that writes record chunks and daily aggregates. One batch per shard at a time, in stream
 * order, retried until it succeeds (the stream keeps records 24 hours; the IteratorAge alarm fires long
 * before). Batching settings come from lambda/store/tables.ts, as the local event source's do.
 */
export class UsageAggregator extends Construct {
  readonly fn: GatewayFunction;

  constructor(scope: Construct, id: string, props: { entry: string; tables: GatewayTables; reservedConcurrency?: number }) {
    super(scope, id);
    this.fn = new GatewayFunction(this, 'Function', {
      entry: props.entry,
      description: 'OriginalPoint usage aggregator (counters stream to usage records and daily aggregates)',
      timeout: Duration.minutes(1),
      environment: props.tables.environment(),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
    });
    props.tables.grantItemActions(this.fn.role, 'usage', AGGREGATOR_USAGE_ACTIONS, { indexes: false });
    this.fn.function.addEventSource(
      new DynamoEventSource(props.tables.counters, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: USAGE_STREAM.batchSize,
        maxBatchingWindow: Duration.seconds(USAGE_STREAM.maxBatchingWindowSeconds),
        // One batch per shard at a time: records of one counter item stay in order.
        parallelizationFactor: 1,
        retryAttempts: -1,
        filters: [lambda.FilterCriteria.filter(RECORD_FILTER as unknown as Record<string, unknown>)],
      }),
    );
    NagSuppressions.addResourceSuppressions(
      this.fn.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'dynamodb:ListStreams, which the stream event source needs, has no resource-level permissions; reading the stream itself is granted on the counters table stream only.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
}
