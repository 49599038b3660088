// Assembles the local gateway: embedded DynamoDB (dynalite) with the stack's tables, the provider
// simulator for providers without credentials, a dev account and key, and the Lambda handlers behind
// the local runtime. `npm start` (bin/local.ts) and the end-to-end tests both start it through here.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_INSTANCES, loadConfig, providerInstances, type Env } from '../config';
import { createAccount, issueKey } from '../core/accounts';
import { systemClock, type Clock } from '../core/clock';
import type { GatewayDeps } from '../core/deps';
import { settlementsDone } from '../core/lifecycle';
import { hashApiKey } from '../core/keys';
import type { KeyStore, Store } from '../core/records';
import { ensureTables } from '../store/bootstrap';
import { buildWeb } from '../../web/build';
import { startCognitoLocal, type LocalCognito } from './cognito';
import { webRoute } from './web';
import { startDynalite, type LocalDynamo } from './dynalite';
import { installLambdaGlobals } from './lambda-stream';
import { makePrivate } from './private-dir';
import { startUsageStream } from './usage-stream';
import { startLambdaRuntime, type LambdaRuntimeOptions } from './lambda-runtime';
import { startLocalRuntime, type LocalRuntime } from './runtime';
import { SIM_PROTOCOLS, startSimulator, type SimBehaviour, type Simulator } from './simulator';

export interface LocalGatewayOptions {
  port?: number;
  /** Folder for dynalite's data and the dev key; omitted means everything lives in memory. */
  dataDir?: string;
  /** Use an already running DynamoDB endpoint (several gateway processes sharing one store). */
  dynamoEndpoint?: string;
  /** Provider credentials and settings; defaults to process.env. */
  env?: Env;
  clock?: Clock;
  /** Pacing of simulated providers (e.g. a visible stream for humans); tests usually leave it unpaced. */
  simulatorDefaults?: Partial<SimBehaviour>;
  /** Use this simulator instead of starting one. */
  simulatorUrl?: string;
  /** `local` (default): the handlers run in this process; `lambda`: the deployable bundles under aws-lambda-ric. */
  runtime?: 'local' | 'lambda';
  lambda?: Pick<LambdaRuntimeOptions, 'concurrency' | 'log' | 'functionOutput'>;
  /** Serve the dashboard API, with cognito-local standing in for Cognito (npm start; tests that need it). */
  dashboard?: boolean | { onCode?: (destination: string, code: string) => void; /** Stand-in identity providers for single sign-on, by name. */ federation?: string[] };
}

export interface LocalGateway {
  url: string;
  baseUrl: string;
  port: number;
  /** The dev account's key (created on first start, reused after when dataDir is set). */
  apiKey: string;
  accountId: string;
  adminToken: string;
  dynamoEndpoint: string;
  simulator?: Simulator;
  simulatorUrl?: string;
  /** Providers answered for real, and those the simulator stands in for. */
  liveProviders: string[];
  simulatedProviders: string[];
  deps: GatewayDeps;
  runtime: LocalRuntime;
  /** With the dashboard: the local Cognito (endpoint, pool and app client, the codes it "e-mailed"). */
  cognito?: LocalCognito;
  /** With the dashboard: the dev account owner's sign-in, created on first start. */
  devOwner?: { email: string; password: string };
  /** Resolves once every request settled so far is in the usage records and aggregates. */
  usageSettled(): Promise<void>;
  close(): Promise<void>;
}

interface DevKeyFile {
  accountId: string;
  apiKey: string;
  adminToken: string;
}

async function devCredentials(store: KeyStore, dataDir: string | undefined, clock: Clock): Promise<DevKeyFile> {
  const file = dataDir ? join(dataDir, 'dev-key.json') : undefined;
  if (file) {
    const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as DevKeyFile, () => undefined);
    if (saved && (await store.getKeyByHash(hashApiKey(saved.apiKey)))?.status === 'active') return saved;
  }
  const account = await createAccount(store, { name: 'Local development', plan: 'enterprise' }, clock);
  const { secret } = await issueKey(store, account.accountId, { label: 'dev' }, clock);
  const creds = { accountId: account.accountId, apiKey: secret, adminToken: `opadm_${randomBytes(24).toString('base64url')}` };
  // The dev key is the user's own local credential, like ~/.aws/credentials: readable by the owner only.
  if (file) await writeFile(file, JSON.stringify(creds, null, 2), { mode: 0o600 });
  return creds;
}

export async function startLocalGateway(options: LocalGatewayOptions = {}): Promise<LocalGateway> {
  installLambdaGlobals();
  const clock = options.clock ?? systemClock;
  const env = options.env ?? process.env;
  if (options.dataDir) await makePrivate(options.dataDir);

  let dynamo: LocalDynamo | undefined;
  const dynamoEndpoint =
    options.dynamoEndpoint ?? (dynamo = await startDynalite({ path: options.dataDir ? join(options.dataDir, 'dynamo') : undefined })).endpoint;

  const live = providerInstances(env).map((p) => p.name);
  const needsSimulator = PROVIDER_INSTANCES.some((p) => !live.includes(p.name));
  let simulator: Simulator | undefined;
  let simulatorUrl = options.simulatorUrl;
  if (needsSimulator && !simulatorUrl) {
    simulator = await startSimulator({ protocols: SIM_PROTOCOLS, defaults: options.simulatorDefaults });
    simulatorUrl = simulator.url;
  }

  const cognito = options.dashboard
    ? await startCognitoLocal({
        dir: options.dataDir ? join(options.dataDir, 'cognito') : await mkdtemp(join(tmpdir(), 'op-cognito-')),
        ...(typeof options.dashboard === 'object' && options.dashboard.onCode ? { onCode: options.dashboard.onCode } : {}),
        // The app client's callback URL is the dashboard's own page, as in the stack (by either loopback name).
        ...(typeof options.dashboard === 'object' && options.dashboard.federation?.length
          ? { federation: { providers: options.dashboard.federation, callbackUrls: () => [`${runtimeUrl()}/`, `${runtimeUrl().replace('127.0.0.1', 'localhost')}/`] } }
          : {}),
      })
    : undefined;
  const cognitoEnv = cognito
    ? { OP_COGNITO_ISSUER: cognito.issuer, OP_COGNITO_JWKS_URI: cognito.jwksUri, OP_COGNITO_CLIENT_ID: cognito.clientId, OP_COGNITO_ENDPOINT: cognito.endpoint }
    : {};
  // EMF metrics only mean something to CloudWatch: off locally unless asked for (request log lines stay on).
  const config = loadConfig({ OP_METRICS: 'off', ...env, ...cognitoEnv, OP_DYNAMODB_ENDPOINT: dynamoEndpoint, OP_SIMULATOR_URL: simulatorUrl });
  await ensureTables(config);
  // Imported after the globals exist: the chat handler factory calls awslambda.streamifyResponse.
  const { createDeps } = await import('../handlers/deps');
  const { createChatHandler } = await import('../handlers/chat-handler');
  const { createAdminHandler } = await import('../handlers/admin');
  const { cognitoVerifier, createDashboardHandler } = await import('../handlers/dashboard');
  const deps = await createDeps(config, clock, { seedCatalog: true });
  // The aggregator runs where the store runs: with a shared endpoint, whoever started it runs one.
  const usageStream = dynamo ? startUsageStream(dynamo.streams, config, deps.store.usage, clock) : undefined;
  const creds = await devCredentials(deps.store.keys, options.dataDir, clock);
  const adminToken = env.OP_ADMIN_TOKEN || creds.adminToken;
  const devOwner = cognito ? await ensureDevOwner(cognito, deps.store, creds.accountId, options.dataDir, clock) : undefined;

  // `--runtime lambda`: the synthesized bundles under aws-lambda-ric instead of the handlers in this process.
  const lambda = { ...options.lambda, port: options.port, adminToken, env: config.env, bedrockLive: live.includes('bedrock') };
  const runtime = options.runtime === 'lambda' ? await startLambdaRuntime(lambda) : await startLocalRuntime({
    port: options.port,
    chat: createChatHandler(async () => deps),
    // Same store and clock as /v1, and no cache flush on change: revocation reaches this process's key
    // cache within the same bound (keyCacheMs) as it reaches Lambda instances in AWS.
    admin: createAdminHandler(async () => ({ store: deps.store, clock, catalog: deps.catalogSource })),
    adminToken,
    ...(config.dashboard
      ? {
          dashboard: createDashboardHandler(async () => ({
            store: deps.store,
            clock,
            catalog: deps.catalogSource,
            verify: cognitoVerifier(config.dashboard!),
            gatewayBaseUrl: `${runtimeUrl()}/v1`,
          })),
          web: webRoute(await buildWeb(), {
            get cognitoEndpoint() {
              return config.dashboard!.cognitoEndpoint;
            },
            clientId: config.dashboard.clientId,
            apiBase: '/dashboard/api',
            get gatewayBaseUrl() {
              return `${runtimeUrl()}/v1`;
            },
            ...(cognito?.federation ? { federation: cognito.federation } : {}),
          }),
        }
      : {}),
  });
  function runtimeUrl(): string {
    return runtime.url;
  }
  return {
    url: runtime.url,
    baseUrl: `${runtime.url}/v1`,
    port: runtime.port,
    apiKey: creds.apiKey,
    accountId: creds.accountId,
    adminToken,
    dynamoEndpoint,
    simulator,
    simulatorUrl,
    liveProviders: live,
    simulatedProviders: PROVIDER_INSTANCES.map((p) => p.name).filter((n) => !live.includes(n)),
    deps,
    runtime,
    ...(cognito ? { cognito } : {}),
    ...(devOwner ? { devOwner } : {}),
    usageSettled: async () => {
      await settlementsDone();
      await usageStream?.drained();
    },
    async close() {
      await runtime.close();
      // Last-used writes still in flight go to dynalite before it stops.
      await deps.auth.settle();
      // So do settlements of requests the runtime just cut off (usage records, leases).
      await settlementsDone();
      await usageStream?.drained();
      usageStream?.close();
      await simulator?.close();
      await cognito?.close();
      await dynamo?.close();
    },
  };
}

/** The dev account's owner in the local Cognito, so a newcomer can sign in to the dashboard at once. */
async function ensureDevOwner(cognito: LocalCognito, store: Store, accountId: string, dataDir: string | undefined, clock: Clock): Promise<{ email: string; password: string }> {
  const file = dataDir ? join(dataDir, 'cognito', 'dev-owner.json') : undefined;
  const saved = file ? await readFile(file, 'utf8').then((t) => JSON.parse(t) as { email: string; password: string }, () => undefined) : undefined;
  const owner = saved ?? { email: 'dev@originalpoint.local', password: `Dev-${randomBytes(9).toString('base64url')}-9a` };
  const sub = await cognito.ensureUser(owner.email, owner.password);
  await store.members.addMember({ sub, email: owner.email, accountId, role: 'owner', joinedAt: new Date(clock.now()).toISOString() });
  if (file && !saved) await writeFile(file, JSON.stringify(owner), { mode: 0o600 });
  return owner;
}
