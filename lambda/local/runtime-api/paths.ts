// Where the Lambda fidelity tooling lives in the project tree.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The pinned runtime client, installed on demand (never by the root `npm install`). */
export const RIC_DIR = join(PROJECT_ROOT, 'tools', 'lambda-ric');
export const RIC_ENTRY = join(RIC_DIR, 'node_modules', 'aws-lambda-ric', 'index.mjs');
/**
 * Scratch space inside the project: bundles copied here still resolve the `@aws-sdk/*` externals from the
 * project's node_modules by directory ancestry, as ESM imports do not consult NODE_PATH.
 */
export const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'op-lambda');
