import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 compares against the same list).
 * Never older than nodejs22.x: the handlers rely on its fetch, streams and ESM support.
 */
export const GATEWAY_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

// Bundles are ESM; CommonJS dependencies inside them still call `require`, which ESM does not define.
// The alias avoids clashing with a bundled module's own `createRequire` binding.
const REQUIRE_BANNER =
  "import { createRequire as __opCreateRequire } from 'node:module'; const require = __opCreateRequire(import.meta.url);";

export interface GatewayFunctionProps {
  /** Absolute path of the handler module; it exports `handler`. */
  entry: string;
  description: string;
  timeout: Duration;
  environment: Record<string, string>;
  /** Concurrency set aside for this function alone: a flood elsewhere cannot take it, nor can it take more. */
  reservedConcurrency?: number;
}

/**
 * A NodejsFunction with the house defaults, its own log group, and a role that may write only to that
 * log group (no AWSLambdaBasicExecutionRole). Callers grant data access on `role`.
 */
export class GatewayFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);

    // Function logs are operational (request ids, errors), never request bodies or keys; a month is
    // enough to debug an incident, and nothing else depends on them once the stack is gone.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: GATEWAY_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      // Lambda allocates CPU in proportion to memory. The gateway spends its time waiting on upstreams and
      // DynamoDB, so more memory would buy idle CPU at a higher GB-second price; 512 MB keeps JSON parsing
      // and stream re-encoding off the critical path while staying cheap for long-lived streams.
      memorySize: 512,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.DISABLED,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      // JSON logs, and the platform's own lines (START, END, REPORT) only from WARN up: about 300 bytes
      // per invocation that CloudWatch would bill for and nobody reads; the request line says it all.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        ...props.environment,
        // Stack traces in the logs point at the TypeScript sources rather than the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // The map only needs line mappings; embedding the sources would double the deployment package.
        sourcesContent: false,
        // The Lambda Node.js runtime ships AWS SDK v3; bundling it again would only add cold-start time.
        externalModules: ['@aws-sdk/*'],
      },
    });
  }
}
