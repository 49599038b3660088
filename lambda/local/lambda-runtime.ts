// The local gateway's functions under AWS's own runtime client: the bundles `cdk synth` deploys, run by
// aws-lambda-ric processes against the project's Runtime API emulator, behind an HTTP front that plays
// the function URL and API Gateway. `npm start -- --runtime lambda` and the fidelity tests use it.
import { join } from 'node:path';
import type { Env } from '../config';
import { ensureBundles, type FunctionBundle, type GatewayBundles } from './runtime-api/bundles';
import type { FunctionDefinition } from './runtime-api/environment';
import { startLambdaFront } from './runtime-api/front';
import { PROJECT_ROOT } from './runtime-api/paths';
import { LambdaPool } from './runtime-api/pool';
import { ensureRic } from './runtime-api/ric';
import type { LocalRuntime } from './runtime';

export interface LambdaRuntimeOptions {
  port?: number;
  adminToken?: string;
  /** The environment the gateway was configured from (endpoints of dynalite and the simulator included). */
  env: Env;
  /** Whether Bedrock is answered for real (the runtime client sets AWS_LAMBDA_FUNCTION_NAME, which alone would say so). */
  bedrockLive: boolean;
  /** Execution environments per function (Lambda's concurrency); defaults to 4 for /v1 and 2 for admin. */
  concurrency?: number;
  /** Progress of the one-time install and synth. */
  log?: (line: string) => void;
  /** The functions' own output (their CloudWatch logs in AWS); discarded when omitted. */
  functionOutput?: (text: string) => void;
}

export interface LambdaRuntime extends LocalRuntime {
  bundles: GatewayBundles;
  chat: LambdaPool;
  admin: LambdaPool;
}

/** Variables Lambda reserves, or that would send the local functions to AWS, never pass through. */
const WITHHELD = /^(AWS_LAMBDA_|AWS_EXECUTION_ENV$|LAMBDA_|_HANDLER$|OP_PROVIDER_SECRET_ARN$|NODE_OPTIONS$|NODE_PATH$)/;

/** A bundle as a function definition for the emulator, configured the way the local gateway runs. */
export function functionDefinition(name: string, bundle: FunctionBundle, options: Pick<LambdaRuntimeOptions, 'env' | 'bedrockLive' | 'adminToken'>): FunctionDefinition {
  const environment: Record<string, string> = {};
  // The gateway's own settings and AWS credentials (for live Bedrock), as the deployed function has them
  // from its configuration, the provider secret and its role.
  for (const [k, v] of Object.entries(options.env)) {
    if (v !== undefined && (k.startsWith('OP_') || k.startsWith('AWS_')) && !WITHHELD.test(k)) environment[k] = v;
  }
  Object.assign(environment, bundle.environment, {
    AWS_REGION: options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    OP_BEDROCK_LIVE: options.bedrockLive ? '1' : '0',
    ...(options.adminToken ? { OP_ADMIN_TOKEN: options.adminToken } : {}),
  });
  return {
    name,
    taskRoot: bundle.taskRoot,
    handler: bundle.handler,
    memoryMb: bundle.memoryMb,
    timeoutS: bundle.timeoutS,
    runtime: bundle.runtime,
    environment,
  };
}

export async function startLambdaRuntime(options: LambdaRuntimeOptions): Promise<LambdaRuntime> {
  const log = options.log ?? (() => undefined);
  const [entry, bundles] = await Promise.all([ensureRic(log), ensureBundles(log)]);
  // CommonJS `require` (the bundles' banner) honours NODE_PATH; ESM imports of the `@aws-sdk/*` externals
  // resolve from the project's node_modules because the task root lies inside the project.
  const client = { entry, nodePath: join(PROJECT_ROOT, 'node_modules') };
  const size = options.concurrency ?? 4;
  const chat = new LambdaPool(functionDefinition('op-chat', bundles.chat, options), client, { size, output: options.functionOutput });
  const admin = new LambdaPool(functionDefinition('op-admin', bundles.admin, options), client, {
    size: Math.max(1, Math.min(2, size)),
    output: options.functionOutput,
  });
  try {
    // One warm /v1 environment: a bundle that cannot start fails here, not on the first request.
    await chat.warm(1);
  } catch (err) {
    await Promise.all([chat.close(), admin.close()]);
    throw err;
  }
  const front = await startLambdaFront({ port: options.port, chat, admin, adminToken: options.adminToken });
  return {
    ...front,
    bundles,
    chat,
    admin,
    async close() {
      await front.close();
      await Promise.all([chat.close(), admin.close()]);
    },
  };
}
