// Starts a runtime client process the way Lambda starts one in an execution environment: the function's
// configured variables, then the reserved ones Lambda sets (which the function cannot override), the
// handler setting, the task root as working directory, and a heap bounded by the memory setting.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { FunctionDefinition, RuntimeClient } from './types';

/** Lambda's bootstrap sizes the heap from the memory setting; this keeps a leak from growing past it. */
export const lambdaHeapFlag = (memoryMb: number): string => `--max-old-space-size=${Math.floor(memoryMb * 0.85)}`;

export function spawnRuntimeClient(d: FunctionDefinition, client: RuntimeClient, runtimeApiPort: number): ChildProcess {
  const now = new Date();
  const day = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCDate()).padStart(2, '0')}`;
  const env: Record<string, string> = {
    ...d.environment,
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: client.nodePath,
    AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${runtimeApiPort}`,
    LAMBDA_TASK_ROOT: d.taskRoot,
    _HANDLER: d.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${d.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: d.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(d.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${d.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
  };
  return spawn(process.execPath, [lambdaHeapFlag(d.memoryMb), client.entry, d.handler], { cwd: d.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
}
