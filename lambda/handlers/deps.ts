// Builds the gateway's dependencies once per Lambda instance (cold start) from the config.
import { loadConfig, providerInstances, type Config, type Env } from '../config';
import { KeyAuthenticator } from '../core/auth';
import { systemClock, type Clock } from '../core/clock';
import { SEED_MODELS, seedEntries } from '../core/catalog';
import { CatalogSource } from '../core/catalog/source';
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

/** The gateway's dependencies, and the catalog's source (for whoever changes the catalog in this process). */
export type BuiltDeps = GatewayDeps & { catalogSource: CatalogSource };

/**
 * `seedCatalog`: write the seed's models to the store if it never had them (the local runtime; in AWS the
 * admin function does it, as the chat function may not write the keys table).
 */
export async function createDeps(config: Config = loadConfig(), clock: Clock = systemClock, options: { seedCatalog?: boolean } = {}): Promise<BuiltDeps> {
  const [secret, origin] = await Promise.all([providerSecret(config), originSecret(config)]);
  const store = createStore(config);
  const providers = createProviders(providerInstances({ ...config.env, ...secret }, config.simulatorUrl));
  const telemetry = createTelemetry(config.telemetry);
  const catalog = CatalogSource.for(store.catalog, clock, config.catalogRefreshMs);
  if (options.seedCatalog) await store.catalog.seed(seedEntries(SEED_MODELS, new Date(clock.now()).toISOString()));
  // Cold start: the catalog before the first request (the seed if it cannot be read), later ones in the background.
  await catalog.refresh();
  const health = healthMonitor(config.health, {
    store: new DynamoHealthStore(createDocumentClient(config), config.tables.counters),
    clock,
    models: catalog.current.models,
    configured: (provider) => providers.has(provider),
    onBreakerChange: (change) => telemetry.breaker(change),
  });
  catalog.onChange((c) => health.track(c.models));
  // Cold start: the shared health records load in the background; the first requests use defaults.
  health.start();
  return {
    config,
    store,
    providers,
    // Read per request: the copy the background refresh keeps current.
    get catalog() {
      return catalog.current;
    },
    catalogSource: catalog,
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
