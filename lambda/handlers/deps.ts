// Builds the gateway's dependencies once per Lambda instance (cold start) from the config.
import { loadConfig, providerInstances, type Config, type Env } from '../config';
import { KeyAuthenticator } from '../core/auth';
import { systemClock, type Clock } from '../core/clock';
import { Catalog, SEED_MODELS } from '../core/catalog';
import type { GatewayDeps } from '../core/deps';
import { healthMonitor } from '../core/health/monitor';
import { createProviders } from '../providers/registry';
import { createDocumentClient, createStore } from '../store/dynamo';
import { DynamoHealthStore } from '../store/health-store';
import { createTelemetry } from '../observability/telemetry';

/** A Secrets Manager secret's string, read once per cold start and never logged. */
async function secretString(config: Config, secretId: string): Promise<string> {
  // Loaded only when a secret is configured: the client module costs about 15 ms of cold start.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: config.region });
  try {
    return (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? '';
  } finally {
    client.destroy();
  }
}

/** Provider credentials from the one provider secret: a JSON object of OP_* variables. */
async function providerSecret(config: Config): Promise<Env> {
  if (!config.providerSecretArn) return {};
  const parsed: unknown = JSON.parse((await secretString(config, config.providerSecretArn)) || '{}');
  if (typeof parsed !== 'object' || parsed === null) return {};
  const out: Env = {};
  for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v !== '') out[k] = v;
  return out;
}

/** The origin header's expected value, when the CloudFront front is deployed. */
async function originSecret(config: Config): Promise<string | undefined> {
  if (config.origin?.secret) return config.origin.secret;
  if (!config.origin?.secretArn) return undefined;
  const value = await secretString(config, config.origin.secretArn);
  if (!value) throw new Error('the origin secret is empty');
  return value;
}

export async function createDeps(config: Config = loadConfig(), clock: Clock = systemClock): Promise<GatewayDeps> {
  const [secret, origin] = await Promise.all([providerSecret(config), originSecret(config)]);
  const store = createStore(config);
  const providers = createProviders(providerInstances({ ...config.env, ...secret }, config.simulatorUrl));
  const telemetry = createTelemetry(config.telemetry);
  const catalog = new Catalog(SEED_MODELS);
  const health = healthMonitor(config.health, {
    store: new DynamoHealthStore(createDocumentClient(config), config.tables.counters),
    clock,
    models: catalog.models,
    configured: (provider) => providers.has(provider),
    onBreakerChange: (change) => telemetry.breaker(change),
  });
  // Cold start: the shared health records load in the background; the first requests use defaults.
  health.start();
  return {
    config,
    store,
    providers,
    catalog,
    auth: new KeyAuthenticator(store.keys, clock, config.keyCacheMs),
    clock,
    health,
    telemetry,
    ...(origin ? { originSecret: origin } : {}),
  };
}

/** Memoised: the first invocation builds, the rest reuse; a failed build is retried next time. */
export function lazyDeps(build: () => Promise<GatewayDeps> = () => createDeps()): () => Promise<GatewayDeps> {
  let pending: Promise<GatewayDeps> | undefined;
  return () => {
    pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
