// A non-streaming function: the returned object is the HTTP response (function URL payload format 2.0).
export const handler = async (event) => ({
  statusCode: 201,
  headers: { 'content-type': 'application/json', 'x-fn': 'buffered' },
  body: JSON.stringify({ path: event.rawPath, method: event.requestContext.http.method }),
});
