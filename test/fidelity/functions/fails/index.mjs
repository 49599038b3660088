// A streaming function that fails as the path says: /init-later never (see FAIL_AT_INIT), /before throws
// before any byte, /after throws once the response began, /hang never answers (for the timeout).
if (process.env.FAIL_AT_INIT === '1') throw new Error('broken at init');

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  if (event.rawPath === '/before') throw new Error('failed before responding');
  if (event.rawPath === '/hang') return new Promise(() => undefined);
  const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { 'content-type': 'text/plain' } });
  out.write('partial\n');
  await new Promise((r) => setTimeout(r, 20));
  if (event.rawPath === '/after') throw new Error('failed mid-stream');
  out.end('done\n');
});
