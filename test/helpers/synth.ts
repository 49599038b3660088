// A stack variant synthesized as `cdk synth` would (cdk.json's context), checked by cdk-nag on the way.
import { readFileSync } from 'node:fs';
import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { expect } from 'vitest';
import { GatewayStack, type GatewayStackProps } from '../../lib/gateway-stack';

const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };

export function synth(props: GatewayStackProps = {}, name = 'Scale'): { stack: GatewayStack; template: Template; json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Rules?: Record<string, unknown> } } {
  const app = new App({ context });
  const stack = new GatewayStack(app, name, props);
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  const template = Template.fromStack(stack);
  // cdk-nag clean in every variant: no unsuppressed error or warning.
  expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  return { stack, template, json: template.toJSON() as never };
}
export const idOf = (stack: GatewayStack, c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

