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

/** Provider credentials from the one Secrets Manager secret, read once per cold start and never logged. */
async function providerSecret(config: Config): Promise<Env> {
  if (!config.providerSecretArn) return {};
  // Loaded only when a secret is configured: the client module costs about 15 ms of cold start.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: config.region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: config.providerSecretArn }));
    const parsed: unknown = JSON.parse(SecretString || '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Env = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v !== '') out[k] = v;
    return out;
  } finally {
    client.destroy();
  }
}

export async function createDeps(config: Config = loadConfig(), clock: Clock = systemClock): Promise<GatewayDeps> {
  const secret = await providerSecret(config);
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
