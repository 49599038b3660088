// The one place that reads the environment. Everything else receives a Config.
import type { ProviderInstance, ProviderKind } from './providers/provider';

export type Env = Record<string, string | undefined>;

export interface Config {
  tables: { keys: string; counters: string; usage: string; responses: string };
  /** DynamoDB endpoint override (dynalite locally); empty in AWS. */
  dynamoEndpoint?: string;
  region: string;
  /** Secrets Manager secret holding provider credentials as a JSON object of the OP_* variables below. */
  providerSecretArn?: string;
  /** The dashboard's sign-in (a Cognito user pool, or cognito-local): set where the dashboard is served. */
  dashboard?: {
    /** The ID tokens' `iss`: Cognito's https://cognito-idp.<region>.amazonaws.com/<poolId>, or cognito-local's own. */
    issuer: string;
    jwksUri: string;
    /** The app client the dashboard signs in with: the ID tokens' `aud`. */
    clientId: string;
    /** Where the browser sends sign-up and sign-in (Cognito's API endpoint). */
    cognitoEndpoint: string;
    /** The /v1 base URL users are shown. */
    gatewayBaseUrl: string;
    /** The pool's federated identity providers: an address they assert counts as verified (SAML asserts no flag). */
    federatedProviders: string[];
  };
  /**
   * With the CloudFront front: the secret CloudFront sends in ORIGIN_HEADER (wire/edge.ts), by its Secrets
   * Manager ARN (AWS) or as the value itself (OP_ORIGIN_SECRET, for local runs and tests).
   */
  origin?: { secretArn?: string; secret?: string };
  /** Requests with a larger body get 413. Function URLs accept at most 6 MB, so the default stays under it. */
  maxBodyBytes: number;
  /** A verified key stays cached in memory this long: the bound on how late a revocation takes effect. */
  keyCacheMs: number;
  /** How old an instance's copy of the catalog may get before it is reloaded in the background. */
  catalogRefreshMs: number;
  upstream: {
    /** No first token within this long counts as a provider failure (and falls back). */
    ttftTimeoutMs: number;
    /** One upstream attempt may take at most this long in all. */
    attemptTimeoutMs: number;
    /** All attempts of one request together may take at most this long. */
    totalTimeoutMs: number;
    maxAttempts: number;
  };
  /** What /v1 does when DynamoDB cannot be reached: refuse with 503 (closed) or serve unmetered (open). */
  storeFailureMode: 'closed' | 'open';
  limits: {
    /** OP_LIMITS=off skips admission (no counters, no leases; usage is still metered): for benchmarks only. */
    enabled: boolean;
    /**
     * A concurrency slot is a lease this long, renewed every third of it while the request runs. A slot
     * whose Lambda died is reclaimed at most this long after its last renewal.
     */
    leaseMs: number;
  };
  /** Provider health: circuit breakers and live latency per route (core/health). */
  health: HealthConfig;
  /** Structured logs and EMF metrics (lambda/observability). */
  telemetry: { logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT'; metrics: boolean };
  usageRetentionDays: number;
  /** How long a stored Responses API response (store: true) is kept, for previous_response_id and GET. */
  responsesRetentionDays: number;
  /** Set when the local runtime serves the admin API with a bearer token instead of IAM. */
  adminToken?: string;
  /** Local only: the provider simulator that answers for providers without credentials. */
  simulatorUrl?: string;
  /** The environment, kept for resolving provider instances (merged with the provider secret in AWS). */
  env: Env;
}

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export interface HealthConfig {
  /** Consecutive provider failures that open a route's breaker. */
  failureThreshold: number;
  /** Or: more than this share of at least minCalls calls in one window failed (0..1). */
  errorRate: number;
  minCalls: number;
  windowMs: number;
  /** An open route is skipped this long, then one probe request may go through. */
  cooldownMs: number;
  /** Shared health records are re-read in the background when older than this. */
  cacheMs: number;
  /** Each instance writes its counts and latency at most this often. */
  flushMs: number;
  /** Latency data older than this is re-measured by one request (routing "speed"). */
  remeasureMs: number;
}

function healthConfig(env: Env): HealthConfig {
  const percent = int(env, 'OP_BREAKER_ERROR_RATE', 50);
  if (percent < 1 || percent > 100) throw new Error('OP_BREAKER_ERROR_RATE must be a percentage from 1 to 100');
  return {
    failureThreshold: Math.max(1, int(env, 'OP_BREAKER_FAILURES', 5)),
    errorRate: percent / 100,
    minCalls: Math.max(1, int(env, 'OP_BREAKER_MIN_CALLS', 10)),
    windowMs: Math.max(1_000, int(env, 'OP_BREAKER_WINDOW_MS', 60_000)),
    cooldownMs: int(env, 'OP_BREAKER_COOLDOWN_MS', 30_000),
    cacheMs: int(env, 'OP_HEALTH_CACHE_MS', 3_000),
    flushMs: int(env, 'OP_HEALTH_FLUSH_MS', 3_000),
    remeasureMs: Math.max(1_000, int(env, 'OP_LATENCY_REMEASURE_MS', 60_000)),
  };
}

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

function telemetryConfig(env: Env): Config['telemetry'] {
  const level = (env.OP_LOG_LEVEL ?? 'INFO').toUpperCase();
  const logLevel = LOG_LEVELS.find((l) => l === level);
  if (!logLevel) throw new Error(`OP_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const metrics = env.OP_METRICS ?? 'on';
  if (metrics !== 'on' && metrics !== 'off') throw new Error('OP_METRICS must be on or off');
  return { logLevel, metrics: metrics === 'on' };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = env.OP_STORE_FAILURE_MODE ?? 'closed';
  if (mode !== 'closed' && mode !== 'open') throw new Error(`OP_STORE_FAILURE_MODE must be closed or open`);
  const limitsSwitch = env.OP_LIMITS ?? 'on';
  if (limitsSwitch !== 'on' && limitsSwitch !== 'off') throw new Error('OP_LIMITS must be on or off');
  return {
    tables: {
      keys: env.OP_KEYS_TABLE ?? 'op-keys',
      counters: env.OP_COUNTERS_TABLE ?? 'op-counters',
      usage: env.OP_USAGE_TABLE ?? 'op-usage',
      responses: env.OP_RESPONSES_TABLE ?? 'op-responses',
    },
    dynamoEndpoint: env.OP_DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    providerSecretArn: env.OP_PROVIDER_SECRET_ARN || undefined,
    ...(env.OP_COGNITO_ISSUER && env.OP_COGNITO_CLIENT_ID
      ? {
          dashboard: {
            issuer: env.OP_COGNITO_ISSUER,
            jwksUri: env.OP_COGNITO_JWKS_URI || `${env.OP_COGNITO_ISSUER}/.well-known/jwks.json`,
            clientId: env.OP_COGNITO_CLIENT_ID,
            cognitoEndpoint: env.OP_COGNITO_ENDPOINT || `https://cognito-idp.${env.AWS_REGION ?? 'us-east-1'}.amazonaws.com/`,
            gatewayBaseUrl: env.OP_GATEWAY_BASE_URL ?? '',
            federatedProviders: (env.OP_COGNITO_FEDERATED ?? '').split(',').map((p) => p.trim()).filter(Boolean),
          },
        }
      : {}),
    ...(env.OP_ORIGIN_SECRET_ARN || env.OP_ORIGIN_SECRET
      ? { origin: { ...(env.OP_ORIGIN_SECRET_ARN ? { secretArn: env.OP_ORIGIN_SECRET_ARN } : {}), ...(env.OP_ORIGIN_SECRET ? { secret: env.OP_ORIGIN_SECRET } : {}) } }
      : {}),
    maxBodyBytes: int(env, 'OP_MAX_BODY_BYTES', 4 * 1024 * 1024),
    keyCacheMs: Math.min(int(env, 'OP_KEY_CACHE_MS', 10_000), 10_000),
    catalogRefreshMs: int(env, 'OP_CATALOG_REFRESH_MS', 30_000),
    upstream: {
      ttftTimeoutMs: int(env, 'OP_TTFT_TIMEOUT_MS', 15_000),
      attemptTimeoutMs: int(env, 'OP_ATTEMPT_TIMEOUT_MS', 120_000),
      totalTimeoutMs: int(env, 'OP_TOTAL_TIMEOUT_MS', 300_000),
      maxAttempts: Math.max(1, int(env, 'OP_MAX_ATTEMPTS', 4)),
    },
    storeFailureMode: mode,
    limits: { enabled: limitsSwitch === 'on', leaseMs: Math.max(300, int(env, 'OP_LEASE_MS', 60_000)) },
    health: healthConfig(env),
    telemetry: telemetryConfig(env),
    usageRetentionDays: int(env, 'OP_USAGE_RETENTION_DAYS', 90),
    responsesRetentionDays: Math.max(1, int(env, 'OP_RESPONSES_RETENTION_DAYS', 30)),
    adminToken: env.OP_ADMIN_TOKEN || undefined,
    simulatorUrl: env.OP_SIMULATOR_URL || undefined,
    env,
  };
}

interface InstanceSpec {
  name: string;
  kind: ProviderKind;
  keyVar: string;
  baseUrlVar: string;
  defaultBaseUrl: string;
  /** An OpenAI-compatible host that enforces response_format json_schema itself. */
  nativeJsonSchema?: boolean;
}

/** Every provider instance the catalog's routes may name, with the variables that configure it. */
export const PROVIDER_INSTANCES = [
  { name: 'openai', kind: 'openai-responses', keyVar: 'OP_OPENAI_API_KEY', baseUrlVar: 'OP_OPENAI_BASE_URL', defaultBaseUrl: 'https://api.openai.com/v1' },
  { name: 'anthropic', kind: 'anthropic', keyVar: 'OP_ANTHROPIC_API_KEY', baseUrlVar: 'OP_ANTHROPIC_BASE_URL', defaultBaseUrl: 'https://api.anthropic.com' },
  { name: 'google', kind: 'google', keyVar: 'OP_GOOGLE_API_KEY', baseUrlVar: 'OP_GOOGLE_BASE_URL', defaultBaseUrl: 'https://generativelanguage.googleapis.com' },
  { name: 'bedrock', kind: 'bedrock', keyVar: '', baseUrlVar: 'OP_BEDROCK_ENDPOINT', defaultBaseUrl: '' },
  { name: 'deepseek', kind: 'openai-chat', keyVar: 'OP_DEEPSEEK_API_KEY', baseUrlVar: 'OP_DEEPSEEK_BASE_URL', defaultBaseUrl: 'https://api.deepseek.com/v1' },
  { name: 'mistral', kind: 'openai-chat', keyVar: 'OP_MISTRAL_API_KEY', baseUrlVar: 'OP_MISTRAL_BASE_URL', defaultBaseUrl: 'https://api.mistral.ai/v1', nativeJsonSchema: true },
  { name: 'groq', kind: 'openai-chat', keyVar: 'OP_GROQ_API_KEY', baseUrlVar: 'OP_GROQ_BASE_URL', defaultBaseUrl: 'https://api.groq.com/openai/v1' },
  // Any OpenAI-compatible host you run yourself (Ollama, vLLM): live as soon as its base URL is set.
  { name: 'compat', kind: 'openai-chat', keyVar: 'OP_COMPAT_API_KEY', baseUrlVar: 'OP_COMPAT_BASE_URL', defaultBaseUrl: '', nativeJsonSchema: true },
] as const satisfies readonly InstanceSpec[];

/** The provider instances catalog routes may name. */
export type ProviderName = (typeof PROVIDER_INSTANCES)[number]['name'];

export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDER_INSTANCES.map((p) => p.name);

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** True when the default AWS credential chain has something to start from without a network call. */
function awsCredentialsPresent(env: Env): boolean {
  return Boolean(
    env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
      env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_LAMBDA_FUNCTION_NAME,
  );
}

/**
 * Resolves each provider instance to a live endpoint or, where it has no credentials and a simulator URL
 * is given, to the simulator (`<simulatorUrl>/<name>`). Without a simulator, unconfigured instances are
 * left out and their routes are skipped.
 */
export function providerInstances(env: Env, simulatorUrl?: string): ProviderInstance[] {
  const region = env.OP_BEDROCK_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const out: ProviderInstance[] = [];
  for (const spec of PROVIDER_INSTANCES as ReadonlyArray<InstanceSpec & { name: ProviderName }>) {
    const configuredUrl = env[spec.baseUrlVar];
    const live =
      spec.kind === 'bedrock'
        ? env.OP_BEDROCK_LIVE === '1' || (env.OP_BEDROCK_LIVE !== '0' && awsCredentialsPresent(env))
        : spec.name === 'compat'
          ? Boolean(configuredUrl)
          : Boolean(env[spec.keyVar]);
    if (live) {
      out.push({
        name: spec.name,
        kind: spec.kind,
        baseUrl: configuredUrl || spec.defaultBaseUrl,
        apiKey: spec.keyVar ? env[spec.keyVar] : undefined,
        region,
        live: true,
        ...(spec.nativeJsonSchema ? { nativeJsonSchema: true } : {}),
      });
    } else if (simulatorUrl) {
      out.push({
        name: spec.name,
        kind: spec.kind,
        baseUrl: `${simulatorUrl}/${spec.name}`,
        apiKey: 'sim',
        region,
        live: false,
        ...(spec.nativeJsonSchema ? { nativeJsonSchema: true } : {}),
      });
    }
  }
  return out;
}
