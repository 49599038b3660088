import { readFileSync } from 'node:fs';
import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COUNTERS_ACTIONS, ADMIN_TABLE_ACTIONS, ADMIN_USAGE_ACTIONS, CHAT_CATALOG_ACTIONS, CHAT_TABLE_ACTIONS, GatewayStack } from '../../lib/gateway-stack';
import { CATALOG_PK } from '../../lambda/store/tables';
import { CORS } from '../../lambda/wire/cors';
import { TABLES } from '../../lambda/store/tables';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  DeletionPolicy?: string;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: Json;
}

/** Intrinsics as readable strings: `${Logical.Attr}` for GetAtt, `${Logical}` for Ref, joins flattened. */
function render(value: Json): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if ('Ref' in value) return `\${${String(value.Ref)}}`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `\${${getAtt.map(String).join('.')}}`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(render).join(String(join[0]));
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let stack: GatewayStack;
let template: Template;
let resources: Record<string, Resource>;
const id = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** Every Allow statement attached to a role, as (action, rendered resource) pairs. */
function grants(roleId: string): Array<{ action: string; resource: string }> {
  const out: Array<{ action: string; resource: string }> = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = list(resource.Properties?.Roles ?? []).map(render);
    if (!roles.includes(`\${${roleId}}`)) continue;
    const document = resource.Properties?.PolicyDocument as unknown as { Statement: Statement[] };
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of list(statement.Action))
        for (const target of list(statement.Resource)) out.push({ action, resource: render(target) });
    }
  }
  return out;
}

beforeAll(() => {
  // The same context `cdk synth` reads, so the test sees the template that would be deployed.
  const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const app = new App({ context });
  stack = new GatewayStack(app, 'Test');
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
});

describe('tables', () => {
  it('builds exactly the tables lambda/store/tables.ts defines', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', TABLES.length);
  });

  it.each(TABLES)('$id: on-demand, pk/sk, TTL, indexes, recovery and retention as defined', (definition) => {
    const table = resources[id(stack.tables.byId[definition.id])];
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    const props = table!.Properties!;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: definition.durable });
    expect(table!.DeletionPolicy).toBe(definition.durable ? 'Retain' : 'Delete');
    expect(props.GlobalSecondaryIndexes ?? []).toEqual(
      definition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
  });

  it('keeps the keys and usage tables recoverable', () => {
    for (const tableId of ['keys', 'usage'] as const) {
      const table = resources[id(stack.tables.byId[tableId])]!;
      expect(table.Properties!.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('chat function', () => {
  it('runs on arm64 with Node.js 22 or newer, 512 MB, 15 minutes, no tracing', () => {
    const fn = resources[id(stack.chat.function)]!.Properties!;
    expect(fn.Architectures).toEqual(['arm64']);
    const major = Number(/^nodejs(\d+)\.x$/.exec(String(fn.Runtime))?.[1]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(fn.MemorySize).toBe(512);
    expect(fn.Timeout).toBe(900);
    expect(fn.TracingConfig).toBeUndefined();
  });

  it('gets table names and the secret ARN from the stack', () => {
    const env = (resources[id(stack.chat.function)]!.Properties!.Environment as { Variables: Record<string, Json> })
      .Variables;
    expect(render(env.OP_KEYS_TABLE!)).toBe(`\${${id(stack.tables.byId.keys)}}`);
    expect(render(env.OP_COUNTERS_TABLE!)).toBe(`\${${id(stack.tables.byId.counters)}}`);
    expect(render(env.OP_USAGE_TABLE!)).toBe(`\${${id(stack.tables.byId.usage)}}`);
    expect(render(env.OP_PROVIDER_SECRET_ARN!)).toBe(`\${${id(stack.providerSecret)}}`);
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('is reachable through a streaming function URL the gateway authenticates itself', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: { 'Fn::GetAtt': [id(stack.chat.function), 'Arn'] },
      // The settings the local runtime emulates (lambda/wire/cors.ts): the SDKs' browser headers allowed,
      // the rate-limit and routing headers readable.
      Cors: {
        AllowOrigins: [...CORS.allowOrigins],
        AllowMethods: [...CORS.allowMethods],
        AllowHeaders: [...CORS.allowHeaders],
        ExposeHeaders: [...CORS.exposeHeaders],
        MaxAge: CORS.maxAgeSeconds,
      },
    });
  });

  it('may touch only its log group, exactly its actions on three tables, the provider secret and Bedrock invoke', () => {
    const tableArn = (tableId: keyof typeof stack.tables.byId) => `\${${id(stack.tables.byId[tableId] as unknown as IConstruct)}.Arn}`;
    const bedrockArns = [
      'arn:${AWS::Partition}:bedrock:*::foundation-model/*',
      'arn:${AWS::Partition}:bedrock:*:${AWS::AccountId}:inference-profile/*',
    ];
    const all = grants(id(stack.chat.role));
    expect(all.length).toBeGreaterThan(0);
    const dynamo: Record<string, string[]> = {};
    for (const { action, resource } of all) {
      expect(action, 'no service-wide wildcards').not.toMatch(/\*/);
      expect(resource).not.toBe('*');
      const [service] = action.split(':');
      if (service === 'dynamodb') (dynamo[resource] ??= []).push(action);
      else if (service === 'logs') expect(resource).toBe(`\${${id(stack.chat.logGroup)}.Arn}`);
      else if (service === 'bedrock') expect(bedrockArns).toContain(resource);
      else if (service === 'secretsmanager') expect(resource).toBe(`\${${id(stack.providerSecret)}}`);
      else throw new Error(`unexpected grant ${action} on ${resource}`);
    }
    // Pinned per table: no PutItem or DeleteItem on keys (the chat function cannot mint a key), no usage;
    // a Query on keys only of the catalog's partition.
    const pinned = Object.fromEntries(Object.entries(CHAT_TABLE_ACTIONS).map(([t, a]) => [tableArn(t as keyof typeof CHAT_TABLE_ACTIONS), [...a].sort()]));
    pinned[tableArn('keys')] = [...pinned[tableArn('keys')]!, ...CHAT_CATALOG_ACTIONS].sort();
    expect(Object.fromEntries(Object.entries(dynamo).map(([r, a]) => [r, a.sort()]))).toEqual(pinned);
    const catalogRead = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties!.PolicyDocument as unknown as { Statement: Array<Statement & { Sid?: string; Condition?: unknown }> }).Statement)
      .find((s) => s.Sid === 'ReadCatalog');
    expect(catalogRead?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CATALOG_PK] } });
    const actions = new Set(all.map((g) => g.action));
    expect([...actions].filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
    expect([...actions].filter((a) => a.startsWith('bedrock:')).sort()).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
    ]);
    for (const arn of bedrockArns) expect(all.map((g) => g.resource)).toContain(arn);
  });

  it('has no AWS managed policies on its role', () => {
    expect(resources[id(stack.chat.role)]!.Properties!.ManagedPolicyArns).toBeUndefined();
    expect(resources[id(stack.admin.role)]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });
});

describe('admin API', () => {
  it('requires IAM authorization on every method', () => {
    const adminApi = `\${${id(stack.adminApi.api)}}`;
    const methods = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && render(r.Properties!.RestApiId!) === adminApi);
    expect(methods.length).toBeGreaterThanOrEqual(2);
    for (const method of methods) {
      if (method.Properties!.HttpMethod === 'OPTIONS') continue;
      expect(method.Properties!.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties!.RequestValidatorId).toBeDefined();
    }
  });

  it('serves /admin and /admin/{proxy+} from the admin function', () => {
    const adminApi = `\${${id(stack.adminApi.api)}}`;
    const ofAdmin = (r: Resource) => render(r.Properties!.RestApiId!) === adminApi;
    const paths = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Resource' && ofAdmin(r))
      .map((r) => r.Properties!.PathPart);
    expect(paths.sort()).toEqual(['admin', '{proxy+}']);
    const integrations = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGateway::Method' && ofAdmin(r))
      .map((r) => render((r.Properties!.Integration as { Uri: Json }).Uri));
    for (const uri of integrations) expect(uri).toContain(`\${${id(stack.admin.function)}.Arn}`);
  });

  it('deploys a throttled, access-logged prod stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue(), DataTraceEnabled: false }),
      ]),
    });
  });

  it('lets the admin function do item reads, writes and queries on the keys table and its index, query usage and budget events, and nothing else', () => {
    const all = grants(id(stack.admin.role));
    const keys = `\${${id(stack.tables.byId.keys)}.Arn}`;
    const usage = `\${${id(stack.tables.byId.usage)}.Arn}`;
    const counters = `\${${id(stack.tables.byId.counters)}.Arn}`;
    const keysIndexes = TABLES.find((t) => t.id === 'keys')!.indexes.map((i) => `${keys}/index/${i.name}`);
    const dynamo = all.filter((g) => g.action.startsWith('dynamodb:'));
    const onKeys = dynamo.filter((g) => g.resource !== usage && g.resource !== counters);
    expect(dynamo.filter((g) => g.resource === counters).map((g) => g.action)).toEqual([...ADMIN_COUNTERS_ACTIONS]);
    expect(new Set(onKeys.map((g) => g.action))).toEqual(new Set(ADMIN_TABLE_ACTIONS));
    expect(new Set(onKeys.map((g) => g.resource))).toEqual(new Set([keys, ...keysIndexes]));
    // Usage reports: read-only, one action.
    expect(dynamo.filter((g) => g.resource === usage).map((g) => g.action)).toEqual([...ADMIN_USAGE_ACTIONS]);
    for (const { action, resource } of all) {
      expect(action).toMatch(/^(dynamodb|logs):[A-Za-z]+$/);
      expect(resource).not.toContain('*');
      if (action.startsWith('logs:')) expect(resource).toBe(`\${${id(stack.admin.logGroup)}.Arn}`);
    }
    for (const unneeded of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteTable']) {
      expect(dynamo.map((g) => g.action)).not.toContain(unneeded);
    }
  });
});

describe('outputs', () => {
  it('publishes the OpenAI base URL (the function URL plus v1) and the Anthropic one (the function URL)', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: Json }>;
    const url = `\${${stack.getLogicalId(stack.chat.function.node.findChild('FunctionUrl').node.defaultChild as CfnElement)}.FunctionUrl}`;
    expect(render(outputs.GatewayBaseUrl!.Value)).toBe(`${url}v1`);
    expect(render(outputs.GatewayRootUrl!.Value)).toBe(url);
  });

  it('publishes the admin URL, the secret ARN and the table names', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(render(outputs.AdminApiUrl!.Value)).toMatch(/^https:\/\/.*\/\$\{.*prod.*\}\/$/);
    expect(render(outputs.ProviderSecretArn!.Value)).toBe(`\${${id(stack.providerSecret)}}`);
    expect(render(outputs.KeysTableName!.Value)).toBe(`\${${id(stack.tables.byId.keys)}}`);
    expect(render(outputs.CountersTableName!.Value)).toBe(`\${${id(stack.tables.byId.counters)}}`);
    expect(render(outputs.UsageTableName!.Value)).toBe(`\${${id(stack.tables.byId.usage)}}`);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('leaves no unsuppressed error or warning', () => {
    const annotations = Annotations.fromStack(stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((m) => `${m.id}: ${String(m.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });
});

describe('dashboard', () => {
  it('has a user pool with e-mail sign-up, verification, a strict password policy and optional TOTP MFA', () => {
    const pool = resources[id(stack.dashboard.userPool)]!.Properties!;
    expect(pool).toMatchObject({
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
    const client = resources[id(stack.dashboard.client)]!.Properties!;
    expect(client).toMatchObject({ GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
    expect(client.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH']));
  });

  it('puts the Cognito authorizer on every dashboard API method', () => {
    const api = `\${${id(stack.dashboard.api)}}`;
    const methods = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && render(r.Properties!.RestApiId!) === api && r.Properties!.HttpMethod !== 'OPTIONS');
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      expect(m.Properties!.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(m.Properties!.AuthorizerId).toBeDefined();
    }
    const authorizers = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGateway::Authorizer');
    expect(authorizers.map((a) => a.Properties!.Type)).toContain('COGNITO_USER_POOLS');
  });

  it('serves the page from a private bucket through CloudFront with origin access control, HTTPS and strict security headers', () => {
    const bucket = resources[id(stack.dashboard.bucket)]!.Properties!;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const distribution = resources[id(stack.dashboard.distribution)]!.Properties!.DistributionConfig as unknown as {
      DefaultCacheBehavior: { ViewerProtocolPolicy: string };
      Origins: Array<Record<string, unknown>>;
      CacheBehaviors: Array<Record<string, unknown>>;
    };
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.Origins.some((o) => o.OriginAccessControlId)).toBe(true);
    expect(distribution.CacheBehaviors.map((b) => b.PathPattern)).toEqual(['/dashboard/api/*']);
    const policy = resources[id(stack.dashboard.headers)]!.Properties!.ResponseHeadersPolicyConfig as unknown as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } & Record<string, unknown>;
    };
    const csp = JSON.stringify(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of ["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    expect(policy.SecurityHeadersConfig).toMatchObject({ ContentTypeOptions: { Override: true }, FrameOptions: { FrameOption: 'DENY' }, StrictTransportSecurity: { Override: true } });
    expect(Object.keys(template.toJSON().Outputs)).toContain('DashboardUrl');
  });
});

describe('catalog seed', () => {
  it('is written by a trigger on deploy, by a function that may write only the catalog partition', () => {
    expect(Object.values(resources).some((r) => r.Type === 'Custom::Trigger')).toBe(true);
    const statement = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties!.PolicyDocument as unknown as { Statement: Array<Statement & { Sid?: string; Condition?: unknown }> }).Statement)
      .find((s) => s.Sid === 'SeedCatalog');
    expect([...(statement?.Action as string[])].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    expect(statement?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CATALOG_PK] } });
  });
});
