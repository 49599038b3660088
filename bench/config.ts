// Sizes of the benchmark (each settable by environment variable, so a quick run and a careful run are
// the same program) and the AWS prices the cost figure uses.

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export const SIZES = {
  /** Sequential requests per series (latency, CPU and DynamoDB split, streamed TTFT). */
  requests: num('BENCH_REQUESTS', 400),
  /**
   * Direct invocations run and discarded before the gateway's-share series: the direct path's own JIT
   * warm-up (V8 keeps optimizing functions called once per request for about the first 1,500 calls).
   */
  directWarmup: num('BENCH_DIRECT_WARMUP', 1_500),
  /** Fixed-rate series: requests per second (default: half the sustained throughput measured) and seconds. */
  rate: process.env.BENCH_RATE ? num('BENCH_RATE', 1) : undefined,
  rateSeconds: num('BENCH_RATE_SECONDS', 6),
  /** Throughput ramp: concurrency doubles from 1 up to this, each step this long. */
  maxConcurrency: num('BENCH_MAX_CONCURRENCY', 64),
  stepMs: num('BENCH_STEP_MS', 3_000),
  /** Fresh runtime-client processes for the cold-start median. */
  coldStarts: num('BENCH_COLD_STARTS', 7),
  /** Warm invocations under aws-lambda-ric (billed duration, log volume). */
  lambdaRequests: num('BENCH_LAMBDA_REQUESTS', 200),
  /** The whole run stops itself after this long. */
  timeoutMs: num('BENCH_TIMEOUT_MS', 15 * 60_000),
};

/**
 * Public on-demand prices in USD, us-east-1, as listed in 2025 (Lambda: arm64, first pricing tier;
 * DynamoDB: on-demand after the November 2024 reduction; CloudWatch Logs: standard ingestion).
 */
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  functionUrlPerMillionRequests: 0,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  logsPerGbIngested: 0.5,
};

/** A typical upstream wait, only to show what it costs on top (the target excludes it). */
export const STATED_UPSTREAM_MS = num('BENCH_STATED_UPSTREAM_MS', 2_000);

export const TARGETS = {
  cpuP50Ms: 1,
  addedTtftMsBesidesDynamo: 2,
  admissionRounds: 1,
  chatBundleKb: 400,
  coldStartMs: 300,
  rssMb: 150,
  costPerMillionUsd: 2,
  writeUnitsPerRequest: 3,
  writeUnitsPerRefusal: 1,
};
