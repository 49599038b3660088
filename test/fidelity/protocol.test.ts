// The Runtime API routes as aws-lambda-ric calls them, and error documents as runtimes post them.
import { describe, expect, it } from 'vitest';
import { matchRoute, parseFunctionError } from '../../lambda/local/runtime-api/protocol';

describe('Runtime API routes', () => {
  it('matches the four routes a runtime uses, with the request id decoded', () => {
    expect(matchRoute('GET', '/2018-06-01/runtime/invocation/next')).toEqual({ kind: 'next' });
    expect(matchRoute('POST', '/2018-06-01/runtime/invocation/a%2Fb-1/response')).toEqual({ kind: 'response', requestId: 'a/b-1' });
    expect(matchRoute('POST', '/2018-06-01/runtime/invocation/abc/error')).toEqual({ kind: 'error', requestId: 'abc' });
    expect(matchRoute('POST', '/2018-06-01/runtime/init/error')).toEqual({ kind: 'init-error' });
  });

  it('rejects other methods, versions and paths', () => {
    expect(matchRoute('POST', '/2018-06-01/runtime/invocation/next')).toBeUndefined();
    expect(matchRoute('GET', '/2018-06-01/runtime/invocation/abc/response')).toBeUndefined();
    expect(matchRoute('GET', '/2020-01-01/runtime/invocation/next')).toBeUndefined();
    expect(matchRoute('POST', '/2018-06-01/runtime/invocation//response')).toBeUndefined();
  });
});

describe('error documents', () => {
  it('reads the runtime error shape and keeps anything else as the message', () => {
    expect(parseFunctionError('{"errorType":"TypeError","errorMessage":"x is not a function","trace":["at f"]}', 'Fallback')).toEqual({
      errorType: 'TypeError',
      errorMessage: 'x is not a function',
      trace: ['at f'],
    });
    expect(parseFunctionError('segfault', 'Runtime.Unknown')).toEqual({ errorType: 'Runtime.Unknown', errorMessage: 'segfault' });
  });
});
