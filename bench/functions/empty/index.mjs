// The cold-start baseline: a streaming function that does nothing but answer, under the same runtime
// client as the chat bundle. The difference between the two is the gateway's own init and first request.
export const handler = awslambda.streamifyResponse(async (_event, responseStream) => {
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'text/plain' } });
  // write, then end: aws-lambda-ric emits the prelude on the first write() only, and end(chunk) bypasses it.
  out.write('ok');
  out.end();
});
