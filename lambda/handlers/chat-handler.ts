// The /v1 handler (function URL, RESPONSE_STREAM) for every dialect. Thin: parse the event, route it, write
// the result, then the request's log line and the work due after the last byte. The Lambda entry is chat.ts.
import type { LambdaFunctionURLEvent, StreamifyHandler } from 'aws-lambda';
import type { GatewayDeps } from '../core/deps';
import type { CoreResult } from '../core/result';
import { stopwatch } from '../core/stopwatch';
import { RequestTrace } from '../core/trace';
import { errorResult, fromFunctionUrlEvent, writeResult } from './http';
import { serveV1 } from './v1';

export function createChatHandler(getDeps: () => Promise<GatewayDeps>): StreamifyHandler<LambdaFunctionURLEvent, void> {
  return awslambda.streamifyResponse<LambdaFunctionURLEvent>(async (event, responseStream, context) => {
    const elapsed = stopwatch();
    const req = fromFunctionUrlEvent(event, context.awsRequestId);
    // The request's log line: routing and attempts from the core, status from here.
    const trace = new RequestTrace();
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
    try {
      deps = await getDeps();
      result = await serveV1(req, { requestId: req.requestId, sourceIp: req.sourceIp, signal: disconnect.signal, trace }, deps);
    } catch (err) {
      // Only a failure to build the dependencies gets here: routes render their own errors.
      result = errorResult(err);
    }
    try {
      await writeResult(responseStream, result, req.requestId);
    } catch (err) {
      // A client that left mid-response is a normal end of the invocation, not a function error.
      if (!disconnect.signal.aborted) throw err;
    } finally {
      const latencyMs = lastByteMs ?? elapsed();
      // After the last byte: the last-used write (at most one per key per minute) ends inside this invocation.
      await deps?.auth.settle();
      const clientClosed = disconnect.signal.aborted;
      deps?.telemetry?.request(
        trace.report({
          requestId: req.requestId,
          method: req.method,
          path: req.path,
          // A client that left is its own outcome (nginx's 499), whatever the answer would have been.
          status: clientClosed ? 499 : result.status,
          latencyMs,
          clientClosed,
        }),
      );
      // Health counts and latency due for their shared write go out before the instance may freeze.
      await deps?.health?.settle();
    }
  });
}
