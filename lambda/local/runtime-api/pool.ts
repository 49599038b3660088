// Concurrency as Lambda provides it: one invocation per execution environment, and more environments
// (started on demand, up to a limit) for invocations that arrive while the others are busy. Events
// wait in order for a free environment; a dead environment is replaced by the next invocation's cold start.
import {
  InitError,
  LambdaEnvironment,
  type FunctionDefinition,
  type Invocation,
  type InvocationOutcome,
  type RuntimeClient,
} from './environment';

export interface PoolOptions {
  /** Most environments at once (Lambda's concurrency for this function). */
  size: number;
  output?: (text: string) => void;
  onInvocationEnd?: (durationMs: number) => void;
}

interface Waiting {
  inv: Invocation;
  resolve(outcome: InvocationOutcome): void;
}

export interface PoolStats {
  environments: number;
  coldStarts: number;
  invocations: number;
  /** Init failures and processes that died. */
  failures: number;
}

export class LambdaPool {
  private readonly environments = new Set<LambdaEnvironment>();
  private readonly queue: Waiting[] = [];
  private starting = 0;
  private closed = false;
  readonly stats: PoolStats = { environments: 0, coldStarts: 0, invocations: 0, failures: 0 };

  constructor(
    readonly definition: FunctionDefinition,
    private readonly client: RuntimeClient,
    private readonly options: PoolOptions,
  ) {
  }

  /**
   * Starts environments until `count` are up, and waits for their init: a function that cannot start
   * fails here, before any request. Lambda itself starts lazily; this is for a quick first response.
   */
  async warm(count = 1): Promise<void> {
    while (this.environments.size + this.starting < Math.min(count, this.options.size)) {
      this.starting++;
      const env = await LambdaEnvironment.start(this.definition, this.client, this.environmentOptions()).finally(() => this.starting--);
      this.adopt(env);
    }
    await Promise.all([...this.environments].map((e) => e.ready));
  }

  private environmentOptions() {
    return {
      output: this.options.output,
      onInvocationEnd: this.options.onInvocationEnd,
      onIdle: () => this.pump(),
      onExit: (e: LambdaEnvironment) => {
        this.environments.delete(e);
        this.stats.environments = this.environments.size;
        if (!this.closed) this.pump();
      },
    };
  }

  private adopt(env: LambdaEnvironment): void {
    this.environments.add(env);
    this.stats.environments = this.environments.size;
    this.stats.coldStarts++;
  }

  /** The live environments (for measurements: pids, timings). */
  get live(): LambdaEnvironment[] {
    return [...this.environments];
  }

  invoke(inv: Invocation): Promise<InvocationOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'error', error: { errorType: 'Runtime.Closed', errorMessage: 'The function pool is closed.' } });
    this.stats.invocations++;
    return new Promise<InvocationOutcome>((resolve) => {
      const waiting: Waiting = { inv, resolve };
      this.queue.push(waiting);
      // A caller that leaves while its event waits never reaches a function.
      inv.signal?.addEventListener(
        'abort',
        () => {
          const at = this.queue.indexOf(waiting);
          if (at >= 0) {
            this.queue.splice(at, 1);
            resolve({ kind: 'abandoned' });
          }
        },
        { once: true },
      );
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      const idle = [...this.environments].find((e) => e.state === 'idle');
      if (!idle) break;
      const next = this.queue.shift() as Waiting;
      idle.invoke(next.inv).then(next.resolve, (err: unknown) =>
        next.resolve({ kind: 'error', error: { errorType: 'Runtime.EmulatorError', errorMessage: String(err) } }),
      );
    }
    const initializing = this.starting + [...this.environments].filter((e) => e.state === 'init').length;
    const unserved = this.queue.length - initializing;
    for (let i = 0; i < unserved && this.environments.size + this.starting < this.options.size; i++) void this.startEnvironment();
  }

  private async startEnvironment(): Promise<void> {
    this.starting++;
    let env: LambdaEnvironment;
    try {
      env = await LambdaEnvironment.start(this.definition, this.client, this.environmentOptions());
    } catch (err) {
      this.starting--;
      return this.failed(err);
    }
    this.starting--;
    this.adopt(env);
    try {
      await env.ready;
    } catch (err) {
      // Out of the pool before its process ends, so the exit does not start a replacement for the
      // invocation this failure is about to answer.
      this.environments.delete(env);
      this.failed(err);
      await env.close();
    }
  }

  /** As in Lambda, a failed init fails the invocation waiting for it; the next invocation tries again. */
  private failed(err: unknown): void {
    this.stats.failures++;
    const error = err instanceof InitError ? err.error : { errorType: 'Runtime.StartError', errorMessage: String(err) };
    this.queue.shift()?.resolve({ kind: 'error', error });
    if (!this.closed) this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.resolve({ kind: 'error', error: { errorType: 'Runtime.Closed', errorMessage: 'The function pool is closed.' } });
    await Promise.all([...this.environments].map((e) => e.close()));
  }
}
