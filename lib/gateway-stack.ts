import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { AdminApi } from './admin-api';
import { GatewayFunction } from './gateway-function';
import { GatewayTables } from './tables';

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

/**
 * The OriginalPoint gateway: the OpenAI-compatible /v1 endpoint (a streaming Lambda function URL), the
 * IAM-authorized admin API, the DynamoDB tables both share, and the secret holding provider credentials.
 */
export class GatewayStack extends Stack {
  readonly tables: GatewayTables;
  readonly providerSecret: secretsmanager.Secret;
  readonly chat: GatewayFunction;
  readonly admin: GatewayFunction;
  readonly adminApi: AdminApi;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const tables = new GatewayTables(this, 'Tables');
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
    });
    this.chat = chat;
    tables.grantReadWriteData(chat.role);
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
      cors: {
        allowedOrigins: ['*'],
        allowedMethods: [lambda.HttpMethod.POST, lambda.HttpMethod.GET],
        allowedHeaders: ['authorization', 'content-type'],
      },
    });

    const admin = new GatewayFunction(this, 'Admin', {
      entry: handlerEntry('admin'),
      description: 'OriginalPoint admin API (accounts, keys, usage)',
      // Admin calls are a few small reads and writes; API Gateway gives up after 29 s anyway.
      timeout: Duration.seconds(30),
      environment: tables.environment(),
    });
    this.admin = admin;
    // Accounts, keys and the audit log all live in the keys table: item reads and writes there, and queries
    // of its listing index, are all the admin API does. No other table, no scans, no batch writes.
    tables.grantItemActions(admin.role, 'keys', ADMIN_TABLE_ACTIONS);
    // Usage reports read the daily aggregates (GET /admin/accounts/{id}/usage): one Query, nothing written.
    tables.grantItemActions(admin.role, 'usage', ADMIN_USAGE_ACTIONS);
    const adminApi = new AdminApi(this, 'AdminApi', { handler: admin.function });
    this.adminApi = adminApi;

    for (const fn of [chat, admin]) {
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
    new CfnOutput(this, 'AdminApiUrl', {
      description: 'Admin API (SigV4-signed requests only)',
      value: adminApi.api.url,
    });
    new CfnOutput(this, 'ProviderSecretArn', {
      description: `Provider credentials. Fill with: aws secretsmanager put-secret-value --secret-id <this ARN> --secret-string '{"OP_OPENAI_API_KEY":"sk-...","OP_ANTHROPIC_API_KEY":"..."}'`,
      value: providerSecret.secretArn,
    });
    new CfnOutput(this, 'KeysTableName', { value: tables.byId.keys.tableName });
    new CfnOutput(this, 'CountersTableName', { value: tables.byId.counters.tableName });
    new CfnOutput(this, 'UsageTableName', { value: tables.byId.usage.tableName });
  }
}
