// Starting the local gateway for tests: in this process (fast, injectable clock), or as separate
// processes sharing one store and simulator (as Lambda instances share DynamoDB).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import OpenAI from 'openai';
import type { Env } from '../../lambda/config';
import type { Clock } from '../../lambda/core/clock';
import { startLocalGateway, type LocalGateway, type LocalGatewayOptions } from '../../lambda/local/gateway';

export interface TestGateway {
  gw: LocalGateway;
  client: OpenAI;
  close(): Promise<void>;
}

/** Tests keep their output clean: no request log lines or EMF metrics unless a test asks for them. */
const QUIET: Env = { OP_LOG_LEVEL: 'SILENT', OP_METRICS: 'off' };

/** A gateway in this process with every provider simulated (no credentials from the host leak in). */
export async function startTestGateway(options: { clock?: Clock; env?: Env } & LocalGatewayOptions = {}): Promise<TestGateway> {
  const gw = await startLocalGateway({ ...options, env: { ...QUIET, ...options.env } });
  const client = new OpenAI({ baseURL: gw.baseUrl, apiKey: gw.apiKey, maxRetries: 0 });
  return { gw, client, close: () => gw.close() };
}

export interface GatewayProcess {
  baseUrl: string;
  apiKey: string;
  child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `npm start` as a child process on a free port, pointed at a shared store and simulator. */
export async function spawnGateway(options: { dynamoEndpoint: string; simulatorUrl: string; env?: Env }): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/local.ts', '--port', '0', '--memory', '--dynamo-endpoint', options.dynamoEndpoint, '--simulator-url', options.simulatorUrl],
    { env: { PATH: process.env.PATH, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<{ baseUrl: string; apiKey: string }>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const base = /OPENAI_BASE_URL=(\S+)/.exec(out)?.[1];
      const key = /OPENAI_API_KEY=(\S+)/.exec(out)?.[1];
      if (base && key) resolve({ baseUrl: base, apiKey: key });
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${err}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const { baseUrl, apiKey } = await ready;
    return {
      baseUrl,
      apiKey,
      child,
      async kill(signal = 'SIGTERM') {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        await once(child, 'exit');
      },
    };
  } finally {
    clearTimeout(timeout);
  }
}
