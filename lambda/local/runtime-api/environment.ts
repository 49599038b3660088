// One Lambda execution environment: a runtime client process (aws-lambda-ric) and the Runtime API it
// polls, on its own loopback port. As in Lambda, the environment runs one invocation at a time: it is
// free again only when the runtime asks for the next event, and an invocation that outlives the
// function's timeout ends the environment.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ERROR_BODY_TRAILER,
  ERROR_TYPE_TRAILER,
  INVOKE_HEADERS,
  RESPONSE_MODE_HEADER,
  STREAMING_MODE,
  matchRoute,
  parseFunctionError,
  type FunctionError,
} from './protocol';
import { spawnRuntimeClient } from './runtime-process';
import type { EnvironmentTimings, FunctionDefinition, Invocation, InvocationOutcome, RuntimeClient } from './types';

export type { EnvironmentTimings, FunctionDefinition, Invocation, InvocationOutcome, RuntimeClient } from './types';

const LINGER_MS = 250;

export interface EnvironmentOptions {
  /** Output of the function process (its logs); it is kept for errors either way. */
  output?: (text: string) => void;
  onIdle?: (env: LambdaEnvironment) => void;
  onExit?: (env: LambdaEnvironment) => void;
  /** An invocation ended (the runtime asked for the next event): its duration as Lambda would bill it. */
  onInvocationEnd?: (durationMs: number) => void;
}

interface Current {
  id: string;
  dispatchedAt: number;
  inv: Invocation;
  settled: boolean;
  responded: boolean;
  resolve(outcome: InvocationOutcome): void;
  timer: NodeJS.Timeout;
  /** The runtime's streaming response request while it is open, and our answer to it. */
  response?: { req: IncomingMessage; res: ServerResponse };
  unlisten(): void;
}

export class InitError extends Error {
  constructor(readonly error: FunctionError) {
    super(`${error.errorType}: ${error.errorMessage}`);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Ends a streamed response the caller no longer wants: the Runtime API answers the response request
 * before its body is complete and closes the connection, so the function's further writes fail and its
 * response stream closes unfinished (what a streaming handler sees as the client going away).
 * The answer goes out first: aws-lambda-ric 4 leaves a rejection unhandled (and its process exits) if
 * the connection drops before it got a response.
 */
function cutResponse(req: IncomingMessage, res: ServerResponse): void {
  if (!res.headersSent) {
    res.writeHead(202, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ status: 'OK' }));
  }
  req.resume();
}

function trailerError(req: IncomingMessage): FunctionError | undefined {
  const type = req.trailers[ERROR_TYPE_TRAILER];
  if (!type) return undefined;
  const body = req.trailers[ERROR_BODY_TRAILER];
  return parseFunctionError(body ? Buffer.from(body, 'base64').toString('utf8') : '', type);
}

export class LambdaEnvironment {
  state: 'init' | 'idle' | 'busy' | 'dead' = 'init';
  readonly timings: EnvironmentTimings;
  readonly ready: Promise<void>;
  /** The last few KB the function printed, for error reports. */
  outputTail = '';
  invocations = 0;
  private parkedNext?: ServerResponse;
  private current?: Current;
  /** The previous invocation, while its late answer may still arrive after the runtime's next /next. */
  private lingering?: Current;
  private child?: ChildProcess;
  private settleReady!: (err?: Error) => void;

  private constructor(
    readonly definition: FunctionDefinition,
    private readonly server: Server,
    readonly port: number,
    private readonly options: EnvironmentOptions,
  ) {
    this.timings = { spawnedAt: Date.now() };
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (err) => (err ? reject(err) : resolve());
    });
    // A failed init is reported through `ready`; nobody may be listening yet.
    this.ready.catch(() => undefined);
  }

  /** Starts the Runtime API on a free loopback port and the runtime client process against it. */
  static async start(definition: FunctionDefinition, client: RuntimeClient, options: EnvironmentOptions = {}): Promise<LambdaEnvironment> {
    let env: LambdaEnvironment | undefined;
    const server = createServer((req, res) => env?.handle(req, res));
    // The runtime client keeps its connection; an invocation may stream for the function's whole timeout.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    env = new LambdaEnvironment(definition, server, (server.address() as AddressInfo).port, options);
    env.spawn(client);
    return env;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(client: RuntimeClient): void {
    const child = spawnRuntimeClient(this.definition, client, this.port);
    this.child = child;
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.outputTail = (this.outputTail + text).slice(-4096);
      this.options.output?.(text);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => this.exited(code, signal));
  }

  /** Hands one event to the runtime. Only valid while idle (the runtime is waiting on /next). */
  invoke(inv: Invocation): Promise<InvocationOutcome> {
    const parked = this.parkedNext;
    if (this.state !== 'idle' || !parked) throw new Error(`environment is ${this.state}, not idle`);
    this.parkedNext = undefined;
    this.state = 'busy';
    this.invocations++;
    const id = randomUUID();
    const deadline = Date.now() + this.definition.timeoutS * 1000;
    return new Promise<InvocationOutcome>((resolve) => {
      const onAbort = () => this.abandon(cur);
      const cur: Current = {
        id,
        dispatchedAt: performance.now(),
        inv,
        settled: false,
        responded: false,
        resolve,
        timer: setTimeout(() => this.timedOut(cur), this.definition.timeoutS * 1000),
        unlisten: () => inv.signal?.removeEventListener('abort', onAbort),
      };
      cur.timer.unref();
      inv.signal?.addEventListener('abort', onAbort, { once: true });
      this.current = cur;
      parked.writeHead(200, {
        'content-type': 'application/json',
        [INVOKE_HEADERS.requestId]: id,
        [INVOKE_HEADERS.deadlineMs]: String(deadline),
        [INVOKE_HEADERS.functionArn]: `arn:aws:lambda:us-east-1:000000000000:function:${this.definition.name}`,
      });
      parked.end(JSON.stringify(inv.event));
      if (inv.signal?.aborted) this.abandon(cur);
    });
  }

  /**
   * Gives the caller its outcome. The timeout keeps running until the runtime asks for the next event:
   * a function that goes on after its caller left still ends at its deadline, as in Lambda.
   */
  private settle(cur: Current | undefined, outcome: InvocationOutcome): void {
    if (!cur || cur.settled) return;
    cur.settled = true;
    cur.unlisten();
    cur.resolve(outcome);
  }

  private firstResponse(): void {
    this.timings.firstResponseAt ??= Date.now();
  }

  /** The caller left: cut the streamed response (the handler's stream closes) or drop the one to come. */
  private abandon(cur: Current | undefined): void {
    if (!cur || cur.settled) return;
    if (cur.response) cutResponse(cur.response.req, cur.response.res);
    this.settle(cur, { kind: 'abandoned' });
  }

  private timedOut(cur: Current): void {
    if (cur !== this.current) return; // the runtime already moved on
    if (cur.response) cutResponse(cur.response.req, cur.response.res);
    this.settle(cur, { kind: 'error', error: { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${this.definition.timeoutS} seconds` } });
    // Lambda does not reuse an environment whose invocation timed out: the function may still be running.
    this.child?.kill('SIGKILL');
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.state = 'dead';
    if (this.current) clearTimeout(this.current.timer);
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const error = { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${this.current?.id ?? '-'} Error: Runtime exited with ${how}` };
    this.settle(this.current, { kind: 'error', error });
    this.settle(this.lingering, { kind: 'error', error });
    this.settleReady(new InitError({ errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init with ${how}\n${this.outputTail}` }));
    this.parkedNext?.destroy();
    this.server.closeAllConnections();
    this.server.close();
    this.options.onExit?.(this);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const route = matchRoute(req.method ?? 'GET', new URL(req.url ?? '/', 'http://runtime').pathname);
    if (!route) return reply(res, 404, { errorType: 'InvalidRequest', errorMessage: `no such route ${req.method} ${req.url}` });
    if (route.kind === 'next') return this.next(res);
    if (route.kind === 'init-error') return void this.initError(req, res);
    if (route.kind === 'error') return void this.functionError(route.requestId, req, res);
    return void this.response(route.requestId, req, res);
  }

  private next(res: ServerResponse): void {
    const previous = this.current;
    if (previous) {
      clearTimeout(previous.timer);
      this.options.onInvocationEnd?.(performance.now() - previous.dispatchedAt);
    }
    if (previous && !previous.settled) {
      // aws-lambda-ric posts a streaming handler's error without waiting for it before asking for the
      // next event, so the previous invocation's answer may still be on its way: wait for it briefly.
      this.lingering = previous;
      setTimeout(() => {
        if (this.lingering === previous) this.lingering = undefined;
        this.settle(previous, { kind: 'error', error: { errorType: 'Runtime.NoResponse', errorMessage: 'The runtime asked for the next event without responding.' } });
      }, LINGER_MS).unref();
    }
    this.current = undefined;
    if (this.state === 'init') {
      this.timings.readyAt = Date.now();
      this.settleReady();
    }
    this.state = 'idle';
    this.parkedNext = res;
    res.on('close', () => {
      if (this.parkedNext === res) this.parkedNext = undefined;
    });
    this.options.onIdle?.(this);
  }

  private known(requestId: string, res: ServerResponse): Current | undefined {
    const cur = [this.current, this.lingering].find((c) => c?.id === requestId);
    if (cur && !cur.responded) {
      cur.responded = true;
      return cur;
    }
    reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: `no open invocation ${requestId}` });
    return undefined;
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const error = parseFunctionError((await readAll(req)).toString('utf8'), 'Runtime.InitError');
    reply(res, 202, { status: 'OK' });
    this.settleReady(new InitError(error));
  }

  private async functionError(requestId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cur = this.known(requestId, res);
    const body = await readAll(req);
    if (!cur) return;
    reply(res, 202, { status: 'OK' });
    this.settle(cur, { kind: 'error', error: parseFunctionError(body.toString('utf8'), 'Runtime.UnknownError') });
  }

  private async response(requestId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cur = this.known(requestId, res);
    if (!cur) return void req.resume();
    if (cur.settled) return cutResponse(req, res);
    if (String(req.headers[RESPONSE_MODE_HEADER] ?? '').toLowerCase() !== STREAMING_MODE) {
      const payload = await readAll(req);
      this.firstResponse();
      reply(res, 202, { status: 'OK' });
      this.settle(cur, { kind: 'buffered', payload });
      return;
    }
    cur.response = { req, res };
    cur.inv.onStreamStart?.(String(req.headers['content-type'] ?? 'application/octet-stream'));
    req.on('data', (chunk: Buffer) => {
      this.firstResponse();
      if (cur.settled) return;
      if (cur.inv.onBytes?.(chunk) === false) {
        req.pause();
        cur.inv.onceDrain?.(() => req.resume());
      }
    });
    req.on('end', () => {
      reply(res, 202, { status: 'OK' });
      this.settle(cur, { kind: 'streamed', error: trailerError(req) });
    });
    req.on('close', () => {
      if (!req.complete) {
        this.settle(cur, { kind: 'streamed', error: { errorType: 'Runtime.StreamBroken', errorMessage: 'The runtime closed the response stream before ending it.' } });
      }
    });
  }

  /** Ends the runtime process and its Runtime API. */
  async close(): Promise<void> {
    if (this.state === 'dead') return;
    const exited = new Promise<void>((resolve) => this.child?.once('exit', () => resolve()));
    this.child?.kill('SIGKILL');
    await exited;
  }
}
