// CDK app entry (cdk.json runs it with tsx). Every construct is checked against cdk-nag's AWS Solutions
// rules; a finding without a reasoned suppression fails `cdk synth`.
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { GatewayStack } from '../lib/gateway-stack';

const app = new App();
new GatewayStack(app, 'OriginalPointGateway', {
  description: 'OriginalPoint: self-hosted OpenAI-compatible LLM gateway',
  // No `env`: the stack does no lookups, so one environment-agnostic template deploys to any account and
  // region, and synthesis needs neither credentials nor network.
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
