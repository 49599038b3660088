// The stack's scale and operations options, synthesized with cdk-nag: reserved concurrency, stable table
// names and adoption of retained tables, the counters stream and the usage aggregator on it, alarms to SNS
// and a dashboard, log volume, and the CloudFront and WAF front.
import { describe, expect, it } from 'vitest';
import { AGGREGATOR_USAGE_ACTIONS } from '../../lib/aggregator';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { idOf, synth } from '../helpers/synth';
import { RECORD_FILTER } from '../../lambda/store/limit-store';
import { USAGE_STREAM } from '../../lambda/store/tables';
import { ORIGIN_HEADER } from '../../lambda/wire/edge';

const base = synth();

describe('concurrency', () => {
  it('reserves 100 for /v1 and 5 for the admin API by default, so a flood on one cannot take the other', () => {
    const fn = (c: IConstruct) => base.json.Resources[idOf(base.stack, c)]!.Properties!;
    expect(fn(base.stack.chat.function).ReservedConcurrentExecutions).toBe(100);
    expect(fn(base.stack.admin.function).ReservedConcurrentExecutions).toBe(5);
  });

  it('takes other values, or none', () => {
    const { stack, json } = synth({ chatReservedConcurrency: 400, adminReservedConcurrency: null }, 'Custom');
    expect(json.Resources[idOf(stack, stack.chat.function)]!.Properties!.ReservedConcurrentExecutions).toBe(400);
    expect(json.Resources[idOf(stack, stack.admin.function)]!.Properties!.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('tables', () => {
  it('have stable names (<stack>-<id>), so a redeploy can find retained data, and the counters table streams new images', () => {
    const names = Object.values(base.json.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table').map((r) => r.Properties!.TableName);
    expect(names.sort()).toEqual(['Scale-counters', 'Scale-keys', 'Scale-responses', 'Scale-usage']);
    base.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'Scale-counters', StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });

  it('adopt retained keys and usage tables by name instead of creating them', () => {
    const { stack, json } = synth({ existingTables: { keys: 'old-keys', usage: 'old-usage' } }, 'Adopt');
    const names = Object.values(json.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table').map((r) => r.Properties!.TableName);
    expect(names.sort()).toEqual(['Adopt-counters', 'Adopt-responses']);
    const env = (json.Resources[idOf(stack, stack.chat.function)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.OP_KEYS_TABLE).toBe('old-keys');
    expect(env.OP_USAGE_TABLE).toBe('old-usage');
  });
});

describe('the usage aggregator', () => {
  it('reads the counters stream with the shared filter and batching, one batch per shard at a time, retried until it succeeds', () => {
    base.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(base.stack, base.stack.aggregator.fn.function) },
      EventSourceArn: { 'Fn::GetAtt': [idOf(base.stack, base.stack.tables.counters), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: USAGE_STREAM.batchSize,
      MaximumBatchingWindowInSeconds: USAGE_STREAM.maxBatchingWindowSeconds,
      ParallelizationFactor: 1,
      MaximumRetryAttempts: -1,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(RECORD_FILTER) }] },
    });
  });

  it('may write only the usage table, with only its actions', () => {
    const policies = Object.values(base.json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles).includes(idOf(base.stack, base.stack.aggregator.fn.role)));
    const statements = policies.flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
    const tableActions = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('dynamodb:') && !/Stream|Shard|Records/.test(a));
    expect(tableActions.sort()).toEqual([...AGGREGATOR_USAGE_ACTIONS].sort());
    const usageArn = JSON.stringify({ 'Fn::GetAtt': [idOf(base.stack, base.stack.tables.byId.usage as unknown as IConstruct), 'Arn'] });
    for (const s of statements) if ([s.Action].flat().some((a) => AGGREGATOR_USAGE_ACTIONS.includes(a as never))) expect(JSON.stringify(s.Resource)).toBe(usageArn);
  });
});

describe('operations', () => {
  it('alarm on 5xx share, function errors and throttles, DynamoDB throttles, breakers, p99 latency and a late aggregator, to one topic', () => {
    const alarms = Object.entries(base.json.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const names = alarms.map(([logical]) => logical.replace(/^Operations/, '').replace(/[A-F0-9]{8}$/, ''));
    expect(names.sort()).toEqual(
      ['AdminErrors', 'AdminThrottles', 'AggregatorErrors', 'AggregatorThrottles', 'BreakerOpened', 'Chat5xxRate', 'ChatErrors', 'ChatThrottles', 'DynamoThrottles', 'LatencyP99', 'UsageBehind'].sort(),
    );
    const topic = { Ref: idOf(base.stack, base.stack.operations.topic) };
    for (const [, a] of alarms) expect(a.Properties!.AlarmActions).toEqual([topic]);
    base.template.resourceCountIs('AWS::SNS::Subscription', 0);
    base.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('e-mail the alarms when an address is given', () => {
    synth({ alarmEmail: 'ops@example.com' }, 'Mail').template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('keep the platform log lines (START, END, REPORT) out of the bill: JSON logs, system level WARN', () => {
    for (const fn of [base.stack.chat, base.stack.admin, base.stack.aggregator.fn]) {
      expect(base.json.Resources[idOf(base.stack, fn.function)]!.Properties!.LoggingConfig).toMatchObject({ LogFormat: 'JSON', SystemLogLevel: 'WARN' });
    }
  });
});

describe('the CloudFront and WAF front', () => {
  const edge = synth({ edge: {} }, 'Edge');

  it('forwards every method and header but Host to the function URL, uncached, with the origin secret header', () => {
    const dist = Object.values(edge.json.Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!.Properties!.DistributionConfig as Record<string, unknown>;
    const origin = (dist.Origins as Array<Record<string, unknown>>)[0]!;
    expect((origin.OriginCustomHeaders as Array<{ HeaderName: string }>).map((h) => h.HeaderName)).toEqual([ORIGIN_HEADER]);
    expect(JSON.stringify(origin.OriginCustomHeaders)).toContain('resolve:secretsmanager');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginReadTimeout: 60 });
    const behavior = dist.DefaultCacheBehavior as Record<string, unknown>;
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
  });

  it('blocks an IP over its rate and known bad IPs, created in us-east-1 (a template rule says so elsewhere)', () => {
    edge.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'rate-per-ip', Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 3_000, AggregateKeyType: 'IP' } } })]),
    });
    expect(JSON.stringify(edge.json.Rules)).toContain('us-east-1');
  });

  it('tells the function to refuse requests without the header, and lets it read that secret only', () => {
    const env = (edge.json.Resources[idOf(edge.stack, edge.stack.chat.function)]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.OP_ORIGIN_SECRET_ARN).toEqual({ Ref: idOf(edge.stack, edge.stack.edge!.originSecret) });
  });

  it('uses a web ACL of your own when given, and then creates none', () => {
    const own = synth({ edge: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/abc' } }, 'OwnAcl');
    own.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    own.template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/abc' }) });
  });
});
