// The deployable bundles, as `cdk synth` writes them to cdk.out: which asset folder holds which function
// (found through the template by the function's construct path), with the memory, timeout and literal
// environment the stack configures. Synthesizes first when cdk.out is missing or older than the sources.
import { cp, readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { CACHE_DIR, PROJECT_ROOT } from './paths';
import { runCommand } from './run-command';

export const STACK_NAME = 'OriginalPointGateway';
const CDK_OUT = join(PROJECT_ROOT, 'cdk.out');
const TEMPLATE = join(CDK_OUT, `${STACK_NAME}.template.json`);
/** What the bundles are built from: a change to any of these makes cdk.out stale. */
const SOURCES = ['lambda', 'lib', 'bin/gateway.ts', 'cdk.json', 'package-lock.json'];

export interface FunctionBundle {
  /** The function's construct id in the stack (Chat, Admin). */
  id: string;
  logicalId: string;
  /** A private copy of the asset folder (LAMBDA_TASK_ROOT): another synth cannot change it under a running test. */
  taskRoot: string;
  /** Handler setting, e.g. `index.handler`. */
  handler: string;
  /** Size of the minified entry module in bytes (the source map is deployed beside it but never loaded unless an error is mapped). */
  bundleBytes: number;
  memoryMb: number;
  timeoutS: number;
  runtime: string;
  /** Environment variables with literal values; references (table names, secret ARNs) are the deployer's to fill. */
  environment: Record<string, string>;
  /** Names of the variables whose values the template resolves at deploy time. */
  referencedVariables: string[];
}

interface TemplateFunction {
  Type: string;
  Properties: {
    Handler?: string;
    MemorySize?: number;
    Timeout?: number;
    Runtime?: string;
    Environment?: { Variables?: Record<string, unknown> };
  };
  Metadata?: Record<string, unknown>;
}

async function newestMtime(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function synthIsStale(): Promise<boolean> {
  const synthesized = (await stat(TEMPLATE).catch(() => undefined))?.mtimeMs ?? 0;
  if (!synthesized) return true;
  for (const source of SOURCES) if ((await newestMtime(join(PROJECT_ROOT, source))) > synthesized) return true;
  return false;
}

async function synth(log: (line: string) => void): Promise<void> {
  log('Synthesizing the stack (cdk synth) to build the Lambda bundles...');
  const cdk = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  await runCommand(cdk, ['synth', '--no-notices', '-q'], { cwd: PROJECT_ROOT, label: 'cdk synth' });
}

function readFunction(template: { Resources: Record<string, TemplateFunction> }, id: string): { logicalId: string; fn: TemplateFunction; asset: string } {
  for (const [logicalId, fn] of Object.entries(template.Resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    if (fn.Metadata?.['aws:cdk:path'] !== `${STACK_NAME}/${id}/Function/Resource`) continue;
    const asset = fn.Metadata['aws:asset:path'];
    if (typeof asset !== 'string') throw new Error(`${logicalId} has no bundled asset in the template`);
    return { logicalId, fn, asset };
  }
  throw new Error(`no function ${id} in ${TEMPLATE}`);
}

async function bundleOf(template: { Resources: Record<string, TemplateFunction> }, id: string): Promise<FunctionBundle> {
  const { logicalId, fn, asset } = readFunction(template, id);
  const handler = fn.Properties.Handler ?? 'index.handler';
  // Asset folders are named by content hash, so an existing copy under the same name is the same bundle.
  const taskRoot = join(CACHE_DIR, 'assets', asset);
  if (!(await stat(taskRoot).catch(() => undefined))) await cp(join(CDK_OUT, asset), taskRoot, { recursive: true });
  const entry = (await readdir(taskRoot)).find((f) => f === `${handler.split('.')[0]}.mjs` || f === `${handler.split('.')[0]}.js`);
  if (!entry) throw new Error(`asset ${asset} has no module for handler ${handler}`);
  const environment: Record<string, string> = {};
  const referencedVariables: string[] = [];
  for (const [name, value] of Object.entries(fn.Properties.Environment?.Variables ?? {})) {
    if (typeof value === 'string') environment[name] = value;
    else referencedVariables.push(name);
  }
  return {
    id,
    logicalId,
    taskRoot,
    handler,
    bundleBytes: (await stat(join(taskRoot, entry))).size,
    memoryMb: fn.Properties.MemorySize ?? 128,
    timeoutS: fn.Properties.Timeout ?? 3,
    runtime: fn.Properties.Runtime ?? 'unknown',
    environment,
    referencedVariables,
  };
}

export interface GatewayBundles {
  chat: FunctionBundle;
  admin: FunctionBundle;
}

/** The chat and admin bundles from cdk.out, synthesizing first if cdk.out is missing or stale. */
export async function ensureBundles(log: (line: string) => void = () => undefined): Promise<GatewayBundles> {
  return withFileLock(join(CACHE_DIR, 'synth-lock'), async () => {
    if (await synthIsStale()) await synth(log);
    const template = JSON.parse(await readFile(TEMPLATE, 'utf8')) as { Resources: Record<string, TemplateFunction> };
    return { chat: await bundleOf(template, 'Chat'), admin: await bundleOf(template, 'Admin') };
  });
}
