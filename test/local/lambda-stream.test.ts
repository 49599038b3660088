import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PreludeDecoder, installLambdaGlobals, type Prelude } from '../../lambda/local/lambda-stream';

describe("Lambda's streaming response protocol", () => {
  it('writes the JSON prelude, eight NUL bytes, then the body, and decodes back at any split', () => {
    installLambdaGlobals();
    const written: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, cb) {
        written.push(Buffer.from(chunk));
        cb();
      },
    });
    const http = awslambda.HttpResponseStream.from(sink, { statusCode: 201, headers: { 'x-a': '1' } });
    http.write('hello ');
    http.write('world');
    const all = Buffer.concat(written);
    const at = all.indexOf(Buffer.alloc(8));
    expect(JSON.parse(all.subarray(0, at).toString())).toEqual({ statusCode: 201, headers: { 'x-a': '1' } });

    for (let cut = 1; cut < all.length; cut++) {
      let prelude: Prelude | undefined;
      const body: Buffer[] = [];
      const d = new PreludeDecoder((p) => (prelude = p), (b) => body.push(b));
      d.write(all.subarray(0, cut));
      d.write(all.subarray(cut));
      expect(prelude).toEqual({ statusCode: 201, headers: { 'x-a': '1' }, cookies: undefined });
      expect(Buffer.concat(body).toString()).toBe('hello world');
    }
  });
});
