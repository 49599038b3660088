// CDK app entry (cdk.json runs it with tsx). Every construct is checked against cdk-nag's AWS Solutions
// rules; a finding without a reasoned suppression fails `cdk synth`. Options come as context values
// (`cdk deploy -c alarmEmail=ops@example.com -c edge=true`); see the README's Deploy section.
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayStack, type GatewayStackProps } from '../lib/gateway-stack';

const app = new App();
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};
/** A concurrency option: a number, "none" for unreserved, or absent for the default. */
const concurrency = (name: string): number | null | undefined => {
  const value = context(name);
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`-c ${name} must be a positive integer or "none", got "${value}"`);
  return n;
};

const props: GatewayStackProps = {
  description: 'OriginalPoint: self-hosted OpenAI-compatible LLM gateway',
  // No `env`: the stack does no lookups, so one environment-agnostic template deploys to any account and
  // region, and synthesis needs neither credentials nor network.
  chatReservedConcurrency: concurrency('chatReservedConcurrency'),
  adminReservedConcurrency: concurrency('adminReservedConcurrency'),
  ...(context('tableNamePrefix') ? { tableNamePrefix: context('tableNamePrefix') } : {}),
  existingTables: {
    ...(context('existingKeysTable') ? { keys: context('existingKeysTable') } : {}),
    ...(context('existingUsageTable') ? { usage: context('existingUsageTable') } : {}),
  },
  ...(context('edge') === 'true' || context('webAclArn') ? { edge: { ...(context('webAclArn') ? { webAclArn: context('webAclArn') } : {}), ...(context('requestsPerIpPer5Min') ? { requestsPerIpPer5Min: Number(context('requestsPerIpPer5Min')) } : {}) } } : {}),
  ...(context('alarmEmail') ? { alarmEmail: context('alarmEmail') } : {}),
};
new GatewayStack(app, context('stackName') ?? 'OriginalPointGateway', props);
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
