import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { AdminApi } from './admin-api';
import { GatewayFunction } from './gateway-function';
import { UsageAggregator } from './aggregator';
import { Dashboard, type DashboardIdentityProviders } from './dashboard';
import { Edge } from './edge';
import { Operations } from './operations';
import { GatewayTables, type DurableTableId } from './tables';
import { CATALOG_PK } from '../lambda/store/tables';
import { CORS } from '../lambda/wire/cors';

/** A reserved-concurrency setting: the given number, the default when absent, none for null. */
const reserved = (value: number | null | undefined, fallback: number): { reservedConcurrency?: number } =>
  value === null ? {} : { reservedConcurrency: value ?? fallback };

const handlerEntry = (name: string): string =>
  fileURLToPath(new URL(`../lambda/handlers/${name}.ts`, import.meta.url));

/** Variables an operator may put in the provider secret (see lambda/config.ts PROVIDER_INSTANCES). */
export const PROVIDER_SECRET_KEYS = [
  'OP_OPENAI_API_KEY',
  'OP_ANTHROPIC_API_KEY',
  'OP_GOOGLE_API_KEY',
  'OP_DEEPSEEK_API_KEY',
  'OP_MISTRAL_API_KEY',
  'OP_GROQ_API_KEY',
  'OP_COMPAT_BASE_URL',
  'OP_COMPAT_API_KEY',
] as const;

/** What the admin function may do to the keys table (see lambda/store/key-store.ts, audit-log.ts). */
export const ADMIN_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'] as const;
export const ADMIN_USAGE_ACTIONS = ['dynamodb:Query'] as const;
/** The catalog's partition of the keys table, read by the chat function (with a leading-key condition). */
export const CHAT_CATALOG_ACTIONS = ['dynamodb:Query'] as const;
/** The catalog seed reads the CATALOG partition and writes its items once. */
export const SEED_CATALOG_ACTIONS = ['dynamodb:Query', 'dynamodb:PutItem'] as const;
/** The dashboard reads budget spend from counter items and budget events beside them; it writes none. */
export const DASHBOARD_COUNTERS_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
/** Budget spend (counter items) and budget events beside them: the admin API reads both, writes neither. */
export const ADMIN_COUNTERS_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'] as const;
/**
 * What the chat function may do to each table, and nothing more: keys read (and last-used updated),
 * counters and provider health updated and read, stored responses put, queried and batch-deleted. It
 * cannot create, delete or list keys, and it does not touch usage (the aggregator writes that).
 */
export const CHAT_TABLE_ACTIONS = {
  keys: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  counters: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
  responses: ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
} as const;

export interface GatewayStackProps extends StackProps {
  /**
   * Concurrency reserved for /v1 (default 100): a flood cannot take more of the account's concurrency, and
   * the admin API and other functions keep theirs. `null` leaves it unreserved.
   */
  chatReservedConcurrency?: number | null;
  /** Concurrency reserved for the dashboard API (default 10); null: unreserved. */
  dashboardReservedConcurrency?: number | null;
  /** OIDC and SAML identity providers for the dashboard's sign-in (enterprise single sign-on). */
  identityProviders?: DashboardIdentityProviders;
  /** Concurrency reserved for the admin API (default 5), so a /v1 flood cannot starve it. */
  adminReservedConcurrency?: number | null;
  /** Retained tables to adopt by name instead of creating (a redeploy after `cdk destroy`, or an upgrade). */
  existingTables?: Partial<Record<DurableTableId, string>>;
  /** Physical table names are `<prefix>-<id>` (default: the stack name). */
  tableNamePrefix?: string;
  /** Put /v1 behind CloudFront and AWS WAF; the function URL then refuses requests that bypass it. */
  edge?: { webAclArn?: string; requestsPerIpPer5Min?: number };
  /** Where alarm notifications are e-mailed (a subscription to confirm). */
  alarmEmail?: string;
  /** The p99 latency alarm's threshold (default 120,000 ms: long streams are normal). */
  latencyAlarmP99Ms?: number;
}

/**
 * The OriginalPoint gateway: the OpenAI-compatible /v1 endpoint (a streaming Lambda function URL, or
 * CloudFront and WAF in front of it), the IAM-authorized admin API, the DynamoDB tables they share, the
 * usage aggregator on the counters stream, alarms and a dashboard, and the secret holding provider
 * credentials.
 */
export class GatewayStack extends Stack {
  readonly tables: GatewayTables;
  readonly providerSecret: secretsmanager.Secret;
  readonly chat: GatewayFunction;
  readonly admin: GatewayFunction;
  readonly aggregator: UsageAggregator;
  readonly adminApi: AdminApi;
  readonly edge?: Edge;
  readonly operations: Operations;
  readonly dashboard: Dashboard;
  readonly dashboardFn: GatewayFunction;
  readonly seedTrigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: GatewayStackProps = {}) {
    super(scope, id, props);

    const tables = new GatewayTables(this, 'Tables', { namePrefix: props.tableNamePrefix ?? this.stackName, existing: props.existingTables });
    this.tables = tables;

    // Starts as `{}` (no third-party provider: Bedrock works through the role alone); the operator fills
    // it in, so real credentials never appear in the template.
    const providerSecret = new secretsmanager.Secret(this, 'ProviderSecret', {
      description: `OriginalPoint provider credentials: a JSON object with any of ${PROVIDER_SECRET_KEYS.join(', ')}`,
      secretObjectValue: {},
    });
    this.providerSecret = providerSecret;
    NagSuppressions.addResourceSuppressions(providerSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason: 'Holds third-party provider API keys that are issued and revoked in the providers\' consoles; Secrets Manager has no way to rotate them.',
      },
    ]);

    const chat = new GatewayFunction(this, 'Chat', {
      entry: handlerEntry('chat'),
      description: 'OriginalPoint /v1 (OpenAI-compatible, streaming)',
      // A streamed completion from a slow reasoning model can run for many minutes; the handler's own
      // upstream deadlines end requests well before this ceiling.
      timeout: Duration.minutes(15),
      environment: { ...tables.environment(), OP_PROVIDER_SECRET_ARN: providerSecret.secretArn },
      ...reserved(props.chatReservedConcurrency, 100),
    });
    this.chat = chat;
    for (const [tableId, actions] of Object.entries(CHAT_TABLE_ACTIONS) as Array<[keyof typeof CHAT_TABLE_ACTIONS, readonly string[]]>) {
      tables.grantItemActions(chat.role, tableId, actions, { indexes: false });
    }
    // The catalog is one partition of the keys table: the chat function may read that partition, no other.
    chat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadCatalog',
        actions: [...CHAT_CATALOG_ACTIONS],
        resources: [tables.byId.keys.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CATALOG_PK] } },
      }),
    );
    chat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadProviderSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [providerSecret.secretArn],
      }),
    );
    chat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeBedrockModels',
        actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
        resources: [
          `arn:${Aws.PARTITION}:bedrock:*::foundation-model/*`,
          `arn:${Aws.PARTITION}:bedrock:*:${Aws.ACCOUNT_ID}:inference-profile/*`,
        ],
      }),
    );
    const chatUrl = chat.function.addFunctionUrl({
      // Callers present `op_` keys, which the gateway verifies against the keys table itself.
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      // One source with the local runtime's emulation (lambda/wire/cors.ts).
      cors: {
        allowedOrigins: [...CORS.allowOrigins],
        allowedMethods: CORS.allowMethods.map((m) => lambda.HttpMethod[m]),
        allowedHeaders: [...CORS.allowHeaders],
        exposedHeaders: [...CORS.exposeHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
      },
    });
    if (props.edge) {
      const edge = new Edge(this, 'Edge', { functionUrl: chatUrl, requestsPerIpPer5Min: props.edge.requestsPerIpPer5Min ?? 3_000, ...(props.edge.webAclArn ? { webAclArn: props.edge.webAclArn } : {}) });
      this.edge = edge;
      chat.function.addEnvironment('OP_ORIGIN_SECRET_ARN', edge.originSecret.secretArn);
      edge.originSecret.grantRead(chat.role);
    }

    const admin = new GatewayFunction(this, 'Admin', {
      entry: handlerEntry('admin'),
      description: 'OriginalPoint admin API (accounts, keys, usage)',
      // Admin calls are a few small reads and writes; API Gateway gives up after 29 s anyway.
      timeout: Duration.seconds(30),
      environment: tables.environment(),
      ...reserved(props.adminReservedConcurrency, 5),
    });
    this.admin = admin;
    // Accounts, keys and the audit log all live in the keys table: item reads and writes there, and queries
    // of its listing index, are all the admin API does. No other table, no scans, no batch writes.
    tables.grantItemActions(admin.role, 'keys', ADMIN_TABLE_ACTIONS);
    // Usage reports read the daily aggregates (GET /admin/accounts/{id}/usage): one Query, nothing written.
    tables.grantItemActions(admin.role, 'usage', ADMIN_USAGE_ACTIONS);
    tables.grantItemActions(admin.role, 'counters', ADMIN_COUNTERS_ACTIONS, { indexes: false });
    const adminApi = new AdminApi(this, 'AdminApi', { handler: admin.function });
    this.adminApi = adminApi;

    // The dashboard: its API's function does what the admin API does for one account, so it has the same
    // actions on the keys table (accounts, keys, members, the catalog) and reads usage; nothing else.
    const dashboardFn = new GatewayFunction(this, 'DashboardApi', {
      entry: handlerEntry('dashboard'),
      description: 'OriginalPoint dashboard API (signed-in users)',
      timeout: Duration.seconds(30),
      environment: tables.environment(),
      ...reserved(props.dashboardReservedConcurrency, 10),
    });
    this.dashboardFn = dashboardFn;
    tables.grantItemActions(dashboardFn.role, 'keys', ADMIN_TABLE_ACTIONS);
    tables.grantItemActions(dashboardFn.role, 'usage', ADMIN_USAGE_ACTIONS);
    // Budget spend (the counter items) and budget events, read only.
    tables.grantItemActions(dashboardFn.role, 'counters', DASHBOARD_COUNTERS_ACTIONS, { indexes: false });
    const gatewayBaseUrl = this.edge ? `https://${this.edge.distribution.distributionDomainName}/v1` : `${chatUrl.url}v1`;
    const dashboard = new Dashboard(this, 'Dashboard', { handler: dashboardFn.function, gatewayBaseUrl, ...(props.identityProviders ? { identityProviders: props.identityProviders } : {}) });
    this.dashboard = dashboard;
    dashboardFn.function.addEnvironment('OP_COGNITO_ISSUER', `https://cognito-idp.${this.region}.amazonaws.com/${dashboard.userPool.userPoolId}`);
    dashboardFn.function.addEnvironment('OP_COGNITO_CLIENT_ID', dashboard.client.userPoolClientId);
    dashboardFn.function.addEnvironment('OP_GATEWAY_BASE_URL', gatewayBaseUrl);
    if (dashboard.federatedProviders.length) dashboardFn.function.addEnvironment('OP_COGNITO_FEDERATED', dashboard.federatedProviders.join(','));

    // The seed catalog is written by the deployment itself (once: later deploys find it and change nothing).
    const seedFn = new GatewayFunction(this, 'SeedCatalog', {
      entry: handlerEntry('seed-catalog'),
      description: 'OriginalPoint: writes the seed model catalog on first deploy',
      timeout: Duration.minutes(1),
      environment: tables.environment(),
    });
    // Only the catalog's partition: the seed function cannot touch keys or accounts.
    seedFn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SeedCatalog',
        actions: [...SEED_CATALOG_ACTIONS],
        resources: [tables.byId.keys.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CATALOG_PK] } },
      }),
    );
    this.seedTrigger = new triggers.Trigger(this, 'SeedCatalogOnDeploy', { handler: seedFn.function, executeAfter: [tables], executeOnHandlerChange: false });

    const aggregator = new UsageAggregator(this, 'UsageAggregator', { entry: handlerEntry('aggregator'), tables });
    this.aggregator = aggregator;

    this.operations = new Operations(this, 'Operations', {
      chat,
      admin,
      aggregator: aggregator.fn,
      tables: tables.byId,
      latencyP99Ms: props.latencyAlarmP99Ms ?? 120_000,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
    NagSuppressions.addResourceSuppressions(this.operations.topic, [
      { id: 'AwsSolutions-SNS2', reason: 'Alarm notifications carry alarm names and thresholds, nothing secret; the AWS managed SNS key cannot grant CloudWatch the use it needs, and a customer key would cost more than the data is worth.' },
    ]);

    for (const fn of [chat, admin, aggregator.fn, dashboardFn, seedFn]) {
      NagSuppressions.addResourceSuppressions(
        fn.role,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason: 'DynamoDB index ARNs: `<table>/index/*` covers the table\'s own secondary indexes (gsi1 on the keys table) and nothing else.',
            appliesTo: [{ regex: '/^Resource::<Tables\\w+\\.Arn>\\/index\\/\\*$/g' }],
          },
        ],
        true,
      );
    }
    NagSuppressions.addResourceSuppressions(
      chat.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'Bedrock: the catalog names models by id across regions and routes through `us.` cross-region inference profiles, which invoke foundation models in several regions; only the two invoke actions are allowed.',
          appliesTo: [
            'Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*',
            'Resource::arn:<AWS::Partition>:bedrock:*:<AWS::AccountId>:inference-profile/*',
          ],
        },
      ],
      true,
    );

    new CfnOutput(this, 'GatewayBaseUrl', {
      description: 'OpenAI base URL (OPENAI_BASE_URL, the OpenAI SDKs\' base_url, Codex CLI\'s base_url)',
      value: `${chatUrl.url}v1`,
    });
    new CfnOutput(this, 'GatewayRootUrl', {
      description: 'Anthropic base URL (ANTHROPIC_BASE_URL for Claude Code and the Anthropic SDKs)',
      value: chatUrl.url,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The self-service dashboard: sign up, keys, usage, activity',
      value: `https://${dashboard.distribution.distributionDomainName}/`,
    });
    new CfnOutput(this, 'AdminApiUrl', {
      description: 'Admin API (SigV4-signed requests only)',
      value: adminApi.api.url,
    });
    new CfnOutput(this, 'ProviderSecretArn', {
      description: `Provider credentials. Fill with: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string '{"OP_OPENAI_API_KEY":"sk-...","OP_ANTHROPIC_API_KEY":"..."}'`,
      value: providerSecret.secretArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Alarm notifications (subscribe more endpoints here)', value: this.operations.topic.topicArn });
    new CfnOutput(this, 'KeysTableName', { value: tables.byId.keys.tableName });
    new CfnOutput(this, 'CountersTableName', { value: tables.byId.counters.tableName });
    new CfnOutput(this, 'UsageTableName', { value: tables.byId.usage.tableName });
  }
}
