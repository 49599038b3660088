// What every test of the Lambda fidelity tier needs first: the runtime client installed (a native build,
// once per machine) and the bundles synthesized (once per source change). Both hold a cross-process lock,
// so test files running in parallel wait for one build instead of each starting their own.
import { ensureBundles, type GatewayBundles } from '../../lambda/local/runtime-api/bundles';
import { ensureRic } from '../../lambda/local/runtime-api/ric';

/** Generous: a fresh machine compiles curl and aws-lambda-cpp before the first test can run. */
export const TIER_SETUP_TIMEOUT_MS = 15 * 60_000;

export async function prepareLambdaTier(): Promise<{ ricEntry: string; bundles: GatewayBundles }> {
  const log = (line: string) => process.stderr.write(`[lambda tier] ${line}\n`);
  const ricEntry = await ensureRic(log);
  const bundles = await ensureBundles(log);
  return { ricEntry, bundles };
}
