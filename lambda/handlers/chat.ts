// The /v1 Lambda (function URL, RESPONSE_STREAM). Thin: parse the event, call the core, render the result.
import type { LambdaFunctionURLEvent, StreamifyHandler } from 'aws-lambda';
import type { GatewayDeps } from '../core/deps';
import type { CoreResult } from '../core/result';
import { stopwatch } from '../core/stopwatch';
import { RequestTrace } from '../core/trace';
import { toGatewayError, type GatewayError } from '../openai/errors';
import { lazyDeps } from './deps';
import { errorResult, fromFunctionUrlEvent, writeResult } from './http';
import { serveV1 } from './v1';

export function createChatHandler(getDeps: () => Promise<GatewayDeps>): StreamifyHandler<LambdaFunctionURLEvent, void> {
  return awslambda.streamifyResponse<LambdaFunctionURLEvent>(async (event, responseStream, context) => {
    const elapsed = stopwatch();
    const req = fromFunctionUrlEvent(event, context.awsRequestId);
    // The request's log line: routing and attempts from the core, status and failure from here.
    const trace = new RequestTrace();
    let failure: GatewayError | undefined;
    // A client that goes away closes the response stream before it finished: abort the upstream call.
    const disconnect = new AbortController();
    responseStream.on('close', () => {
      if (!responseStream.writableFinished) disconnect.abort(new Error('client disconnected'));
    });
    // Total gateway time is to the last byte, not to the end of the settlement that follows it.
    let lastByteMs: number | undefined;
    responseStream.once('finish', () => (lastByteMs = elapsed()));
    let result: CoreResult;
    let deps: GatewayDeps | undefined;
    // Work the core asks to run after the response (settling an error response's usage and limits).
    const deferred: Array<() => Promise<void>> = [];
    try {
      deps = await getDeps();
      result = await serveV1(
        req,
        {
          requestId: req.requestId,
          sourceIp: req.sourceIp,
          authorization: req.headers.authorization,
          signal: disconnect.signal,
          trace,
          defer: (task) => deferred.push(task),
        },
        deps,
      );
    } catch (err) {
      failure = toGatewayError(err);
      result = errorResult(failure);
    }
    try {
      await writeResult(responseStream, result, { requestId: req.requestId, onStreamError: (err) => (failure = err) });
    } catch (err) {
      // A client that left mid-response is a normal end of the invocation, not a function error.
      if (!disconnect.signal.aborted) throw err;
    } finally {
      const latencyMs = lastByteMs ?? elapsed();
      // After the last byte: the last-used write (at most one per key per minute) ends inside this invocation.
      await deps?.auth.settle();
      deps?.telemetry?.request(
        trace.report({
          requestId: req.requestId,
          method: req.method,
          path: req.path,
          status: result.status,
          latencyMs,
          error: failure,
          clientClosed: disconnect.signal.aborted,
        }),
      );
      // Health counts and latency due for their shared write go out before the instance may freeze.
      await deps?.health?.settle();
      await Promise.allSettled(deferred.map((task) => task()));
    }
  });
}

export const handler = createChatHandler(lazyDeps());
