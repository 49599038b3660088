import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { NAMESPACE, SERVICE } from '../lambda/observability/telemetry';
import type { GatewayFunction } from './gateway-function';

export interface OperationsProps {
  chat: GatewayFunction;
  admin: GatewayFunction;
  aggregator: GatewayFunction;
  tables: Readonly<Record<string, dynamodb.ITable>>;
  /** Alarm notifications go to this address (a subscription to confirm); without one, to the topic only. */
  alarmEmail?: string;
  /** p99 of the gateway's request latency (to the last byte) above which the latency alarm fires. */
  latencyP99Ms: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms to an SNS topic and one dashboard. Alarms: the share of /v1 answers that are 5xx, function errors
 * and throttles, DynamoDB throttling on any table, a route's breaker opening, p99 latency, and the usage
 * aggregator falling behind its stream. Metrics: the gateway's own (EMF, namespace OriginalPoint), the
 * functions' and the tables'.
 */
export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Alarms', { displayName: 'OriginalPoint alarms', enforceSSL: true });
    // CloudWatch alarms publish to the topic; nothing else may.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ actions: ['sns:Publish'], principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], resources: [this.topic.topicArn] }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const gateway = (metricName: string, statistic: string) => new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap: { service: SERVICE }, statistic, period: FIVE_MINUTES });

    const alarm = (name: string, description: string, metric: cloudwatch.IMetric, threshold: number, options: { evaluationPeriods?: number; comparison?: cloudwatch.ComparisonOperator } = {}) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };

    const fiveXxRate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { errors: gateway('Responses5xx', 'Sum'), requests: gateway('RequestLatency', 'SampleCount') },
      period: FIVE_MINUTES,
      label: '5xx share of /v1 answers (%)',
    });
    alarm('Chat5xxRate', 'More than 5% of /v1 answers were 5xx over 5 minutes (at least 20 requests).', fiveXxRate, 5, { evaluationPeriods: 2 });
    for (const [name, fn] of [['Chat', props.chat], ['Admin', props.admin], ['Aggregator', props.aggregator]] as const) {
      alarm(`${name}Errors`, `The ${name.toLowerCase()} function failed invocations.`, fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 1);
      alarm(`${name}Throttles`, `The ${name.toLowerCase()} function was throttled: its reserved concurrency is used up.`, fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 1);
    }
    const throttled = Object.entries(props.tables).map(([tableId, table], i) => [`t${i}`, new cloudwatch.MathExpression({
      expression: `r${i} + w${i}`,
      usingMetrics: {
        [`r${i}`]: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
        [`w${i}`]: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES }),
      },
      label: `${tableId} throttled`,
      period: FIVE_MINUTES,
    })] as const);
    alarm(
      'DynamoThrottles',
      'DynamoDB throttled requests on a gateway table (a hot item or partition, or an account limit).',
      new cloudwatch.MathExpression({ expression: throttled.map(([k]) => k).join(' + '), usingMetrics: Object.fromEntries(throttled), period: FIVE_MINUTES, label: 'throttled requests' }),
      1,
    );
    alarm('BreakerOpened', "A provider route's circuit breaker opened: the provider is failing and traffic moves to other routes.", gateway('BreakerOpened', 'Sum'), 1);
    alarm('LatencyP99', `p99 of /v1 request latency above ${props.latencyP99Ms} ms over 5 minutes.`, gateway('RequestLatency', 'p99'), props.latencyP99Ms, { evaluationPeriods: 2 });
    alarm(
      'UsageBehind',
      'The usage aggregator is more than 5 minutes behind the counters stream: usage reports are late (records expire from the stream after 24 hours).',
      props.aggregator.function.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES }),
      5 * 60_000,
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: undefined, defaultInterval: Duration.hours(3) });
    const byProvider = (metricName: string, statistic: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${NAMESPACE},model,provider,service} MetricName="${metricName}"', '${statistic}', 300)`,
        label: metricName,
        period: FIVE_MINUTES,
      });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Requests and 5xx', left: [gateway('RequestLatency', 'SampleCount').with({ label: 'Requests' }), gateway('Responses5xx', 'Sum')], right: [fiveXxRate], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Latency (p50, p99)', left: [gateway('RequestLatency', 'p50'), gateway('RequestLatency', 'p99')], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Upstream attempts by route', left: [byProvider('AttemptLatency', 'SampleCount')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Upstream errors and fallbacks by route', left: [byProvider('Errors', 'Sum'), byProvider('Fallbacks', 'Sum')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Time to first token by route (p50)', left: [byProvider('TimeToFirstToken', 'p50')], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'Functions: concurrency and throttles',
        left: [props.chat, props.admin, props.aggregator].map((f) => f.function.metric('ConcurrentExecutions', { statistic: 'Maximum', period: FIVE_MINUTES })),
        right: [props.chat, props.admin, props.aggregator].map((f) => f.function.metricThrottles({ period: FIVE_MINUTES })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB: consumed write and read units',
        left: Object.values(props.tables).map((t) => t.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES })),
        right: Object.values(props.tables).map((t) => t.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Usage aggregator: iterator age (ms)', left: [props.aggregator.function.metric('IteratorAge', { statistic: 'Maximum', period: FIVE_MINUTES })], width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Breakers opened', left: [gateway('BreakerOpened', 'Sum')], width: 12 }),
    );
  }
}
