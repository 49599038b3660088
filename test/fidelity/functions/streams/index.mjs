// A streaming function for the emulator tests: writes a first line, holds for `hold` ms (query string),
// then a last line carrying when it was written; both lines name the process, so tests can tell
// which execution environment served them.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const hold = Number(new URLSearchParams(event.rawQueryString ?? '').get('hold') ?? 0);
  const startedAt = Date.now();
  const out = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/plain', 'x-fn': 'streams' },
  });
  out.write(`first pid=${process.pid} startedAt=${startedAt}\n`);
  await sleep(hold);
  out.write(`last pid=${process.pid} writtenAt=${Date.now()}\n`);
  out.end();
});
