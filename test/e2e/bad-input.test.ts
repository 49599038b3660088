// Bad input never gets a 5xx, and the local runtime is no more forgiving than a function URL: each defect
// found by the fuzzing campaign, reproduced as the user met it.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { mkdtemp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../lambda/core/keys';
import { MAX_JSON_DEPTH } from '../../lambda/wire/json';
import { FUNCTION_URL_MAX_BODY_BYTES } from '../../lambda/local/runtime';
import { MAX_ADMIN_BODY_BYTES } from '../../lambda/handlers/admin-http';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { SEED_MODELS } from '../../lambda/core/catalog';

let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(async () => {
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${t.gw.apiKey}`, 'content-type': 'application/json' });
const admin = () => ({ authorization: `Bearer ${t.gw.adminToken}`, 'content-type': 'application/json' });

async function call(method: string, path: string, body?: string, headers = auth()): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(`${t.gw.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // left empty: the assertion on the shape will say so
  }
  return { status: res.status, json, text };
}

/** OpenAI's error object: all four fields present, `param` and `code` a string or null. */
const openAIShape = (json: Record<string, unknown>) => {
  expect(json).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
  const error = json.error as Record<string, unknown>;
  for (const field of ['param', 'code']) {
    expect(error, field).toHaveProperty(field);
    expect(error[field] === null || typeof error[field] === 'string', field).toBe(true);
  }
};

/** JSON text of an object nested `depth` levels deep (too deep for JSON.stringify itself to build). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;

describe('1. malformed percent-escapes in path ids', () => {
  it.each(['/v1/models/%ZZ', '/v1/models/%E0%A4%A', '/v1/responses/%E0%A4%A'])('GET %s is a 400 in OpenAI shape', async (path) => {
    const { status, json } = await call('GET', path);
    expect(status).toBe(400);
    openAIShape(json);
    expect(json.error).toMatchObject({ code: 'invalid_path' });
  });

  it.each(['/admin/keys/%E0%A4%A/rotate', '/admin/accounts/%ZZ', '/admin/keys/%ff'])('POST/GET %s on the admin API is a 400', async (path) => {
    const { status, json } = await call(path.endsWith('rotate') ? 'POST' : 'GET', path, path.endsWith('rotate') ? '{}' : undefined, admin());
    expect(status).toBe(400);
    openAIShape(json);
  });
});

describe('2. deeply nested JSON', () => {
  it.each([5_000, 50_000])('is a 400 naming the field at depth %i, in every dialect and on the admin API, from a 60 KB body', async (depth) => {
    const chat = await call('POST', '/v1/chat/completions', `{"model":"gpt-5-mini","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":${nested(depth)}}}]}`);
    expect(chat.status).toBe(400);
    expect(chat.json.error).toMatchObject({ param: 'tools[0].function.parameters', code: 'nesting_too_deep', message: expect.stringContaining(String(MAX_JSON_DEPTH)) });
    const schema = await call('POST', '/v1/chat/completions', `{"model":"gpt-5-mini","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","schema":${nested(depth)}}}}`);
    expect(schema.json.error).toMatchObject({ param: 'response_format.json_schema.schema' });
    const responses = await call('POST', '/v1/responses', `{"model":"gpt-5-mini","input":"x","text":{"format":{"type":"json_schema","name":"r","schema":${nested(depth)}}}}`);
    expect(responses.json.error).toMatchObject({ param: 'text.format.schema' });
    const messages = await call('POST', '/v1/messages', `{"model":"gpt-5-mini","max_tokens":9,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":${nested(depth)}}]}`);
    expect(messages.status).toBe(400);
    expect(messages.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('tools.0.input_schema') } });
    const adminBody = await call('POST', '/admin/accounts', `{"name":"x","custom_limits":${nested(Math.min(depth, 9_000))}}`, admin());
    expect(adminBody.status).toBe(400);
    expect(adminBody.json.error).toMatchObject({ code: 'nesting_too_deep' });
  });
});

describe('3. request bodies over the function URL limit', () => {
  it('are refused at once, before the upload ends, without holding the body in memory', async () => {
    const url = new URL(`${t.gw.url}/v1/chat/completions`);
    const before = process.memoryUsage().rss;
    const outcome = await new Promise<{ status: number; sentWhenAnswered: number; body: string; connection?: string }>((resolve, reject) => {
      let sent = 0;
      let answered = -1;
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...auth(), 'transfer-encoding': 'chunked' } }, (res) => {
        answered = sent;
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, sentWhenAnswered: answered, body, connection: res.headers.connection }));
      });
      req.on('error', () => undefined); // the server closes the connection on the rest of the upload
      const chunk = Buffer.alloc(256 * 1024, 'a');
      const pump = () => {
        // 100 MB at most, but the answer should come long before.
        while (sent < 100 * 1024 * 1024 && answered < 0) {
          sent += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
      setTimeout(() => reject(new Error('no answer in time')), 20_000);
    });
    expect(outcome.status).toBe(413);
    // Told the connection ends, so a keep-alive client does not send its next request down it.
    expect(outcome.connection).toBe('close');
    expect(JSON.parse(outcome.body)).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_too_large' } });
    expect(outcome.sentWhenAnswered).toBeLessThan(FUNCTION_URL_MAX_BODY_BYTES + 8 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('with a declared Content-Length over the limit, are refused before a byte of the body is read', async () => {
    const status = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(t.gw.url).port), '127.0.0.1', () => {
        socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n{`);
      });
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      socket.on('close', () => resolve(out.split('\r\n')[0] ?? ''));
      socket.on('error', () => resolve(out.split('\r\n')[0] ?? ''));
    });
    expect(status).toBe('HTTP/1.1 413 Payload Too Large');
  });
});

describe('4. client input quoted back', () => {
  it('is cut to a short prefix in messages, whatever its length', async () => {
    const huge = 'm'.repeat(3_000_000);
    const model = await call('POST', '/v1/chat/completions', JSON.stringify({ model: huge, messages: [{ role: 'user', content: 'x' }] }));
    expect(model.status).toBe(404);
    expect(model.text.length).toBeLessThan(1_000);
    const field = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }], ['f'.repeat(1_000_000)]: 1 }));
    expect(field.status).toBe(400);
    expect(field.text.length).toBeLessThan(1_000);
    const adminField = await call('POST', '/admin/accounts', JSON.stringify({ name: 'x', ['g'.repeat(MAX_ADMIN_BODY_BYTES - 100)]: 1 }), admin());
    expect(adminField.status).toBe(400);
    expect(adminField.text.length).toBeLessThan(1_000);
  });
});

describe('6. a conversation of system messages only', () => {
  it.each(SEED_MODELS.map((m) => m.id))('gets the same answer on %s', async (model) => {
    const res = await t.client.chat.completions.create({ model, messages: [{ role: 'system', content: 'Say hello' }] });
    expect(res.choices[0]?.message.content).toContain('Say hello');
  });
});

describe('6. conversations some providers refuse', () => {
  const conversations: Array<[string, OpenAI.Chat.ChatCompletionMessageParam[]]> = [
    ['blank messages beside a real one', [{ role: 'user', content: '' }, { role: 'system', content: '  ' }, { role: 'user', content: 'Say hello' }]],
    ['an assistant turn first (a prefill after the system prompt)', [{ role: 'system', content: 'Be brief' }, { role: 'assistant', content: 'Say hello' }]],
    ['system messages of which one is blank', [{ role: 'system', content: ' ' }, { role: 'system', content: 'Say hello' }]],
  ];
  it.each(SEED_MODELS.map((m) => m.id))('are answered alike on %s, never with an upstream 400', async (model) => {
    for (const [what, messages] of conversations) {
      const res = await t.client.chat.completions.create({ model, messages }).catch((e: unknown) => e);
      expect(res, what).not.toBeInstanceOf(Error);
      expect((res as OpenAI.Chat.ChatCompletion).choices[0]?.message.content, what).toContain('Say hello');
    }
  });

  it('with nothing in any message, is a 400 naming the field, in every dialect, before any upstream call', async () => {
    const before = t.gw.simulator!.stats('openai').requests;
    const chat = await call('POST', '/v1/chat/completions', JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: ' ' }] }));
    expect(chat.status).toBe(400);
    expect(chat.json.error).toMatchObject({ param: 'messages', code: 'empty_conversation' });
    const responses = await call('POST', '/v1/responses', JSON.stringify({ model: 'gpt-5-mini', input: '' }));
    expect(responses.status).toBe(400);
    expect(responses.json.error).toMatchObject({ param: 'input', code: 'empty_conversation' });
    const messages = await call('POST', '/v1/messages', JSON.stringify({ model: 'gpt-5-mini', max_tokens: 9, messages: [{ role: 'user', content: '\n' }] }));
    expect(messages.status).toBe(400);
    expect(messages.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('messages') } });
    expect(t.gw.simulator!.stats('openai').requests).toBe(before);
  });
});

describe('8. malformed HTTP framing', () => {
  const raw = (request: string) =>
    new Promise<{ status: string; body: string }>((resolve) => {
      const socket = connect(Number(new URL(t.gw.url).port), '127.0.0.1', () => socket.write(request));
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      const done = () => resolve({ status: out.split('\r\n')[0] ?? '', body: out.split('\r\n\r\n').slice(1).join('\r\n\r\n') });
      socket.on('close', done);
      socket.on('error', done);
    });
  it.each([
    ['a bad chunk size', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', '400'],
    ['both Content-Length and Transfer-Encoding', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', '400'],
    ['a negative Content-Length', 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n', '400'],
    ['a NUL in a header', 'GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n', '400'],
    ['a 100 KB header', `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`, '431'],
  ])('answers %s in OpenAI error shape', async (_name, request, status) => {
    const res = await raw(request);
    expect(res.status.split(' ')[1]).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ error: { type: 'invalid_request_error', message: expect.any(String) } });
  });
});

describe('9. the data folder', () => {
  it('is private: 0700 folders and 0600 files, fixed on start for folders from older versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'op-data-'));
    await mkdir(join(dir, 'dynamo'), { mode: 0o755 });
    await writeFile(join(dir, 'dynamo', 'OLD.log'), 'x', { mode: 0o644 });
    const gw = await startTestGateway({ dataDir: dir });
    await gw.client.chat.completions.create({ model: 'gpt-5-nano', messages: [{ role: 'user', content: 'write something' }] });
    await gw.close();
    const modes: Array<[string, number, boolean]> = [];
    const pending = [dir];
    while (pending.length) {
      const current = pending.pop()!;
      modes.push([current, (await stat(current)).mode & 0o777, true]);
      for (const e of await readdir(current, { withFileTypes: true })) {
        const p = join(current, e.name);
        if (e.isDirectory()) pending.push(p);
        else modes.push([p, (await stat(p)).mode & 0o777, false]);
      }
    }
    expect(modes.length).toBeGreaterThan(4);
    for (const [path, mode, isDir] of modes) expect(mode.toString(8), path).toBe(isDir ? '700' : '600');
  });
});

describe('10. admin text fields', () => {
  it.each([
    ['a lone surrogate', '"\\ud800x"'],
    ['a right-to-left override', '"prod\\u202etest"'],
    ['a control character', '"a\\u0007b"'],
    ['a C1 control character', '"a\\u0085b"'],
    ['only spaces', '"   "'],
    ['too long', JSON.stringify('x'.repeat(201))],
  ])('refuse %s with a 400 naming the field, writing nothing', async (_what, value) => {
    const before = await t.gw.deps.store.keys.listAccounts({ limit: 100 });
    const res = await call('POST', '/admin/accounts', `{"name":${value}}`, admin());
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'name' });
    const label = await call('POST', `/admin/accounts/${t.gw.accountId}/keys`, `{"label":${value.replace('x'.repeat(201), 'x'.repeat(101))}}`, admin());
    expect(label.status).toBe(400);
    expect(label.json.error).toMatchObject({ param: 'label' });
    expect((await t.gw.deps.store.keys.listAccounts({ limit: 100 })).items.length).toBe(before.items.length);
  });

  it('are trimmed when valid', async () => {
    const res = await call('POST', '/admin/accounts', '{"name":"  Acme  "}', admin());
    expect(res.status).toBe(200);
    expect(res.json.name).toBe('Acme');
  });
});

describe('11. an unknown key and a revoked one', () => {
  it('cost the same store work, so timing cannot tell them apart', async () => {
    const requests = t.gw.deps.store.requests!;
    const keyOf = async () => {
      const res = await call('POST', `/admin/accounts/${t.gw.accountId}/keys`, '{"label":"revoke me"}', admin());
      return res.json as { id: string; secret: string };
    };
    const key = await keyOf();
    await call('DELETE', `/admin/keys/${key.id}`, undefined, admin());
    t.gw.deps.auth.forget(hashApiKey(key.secret));
    const reads = async (secret: string) => {
      requests.reset();
      const res = await call('GET', '/v1/models', undefined, { authorization: `Bearer ${secret}`, 'content-type': 'application/json' });
      expect(res.status).toBe(401);
      return requests.snapshot();
    };
    const revoked = await reads(key.secret);
    const unknown = await reads(`op_${'Z'.repeat(37)}`);
    expect(revoked).toEqual(unknown);
    expect(revoked['dynamodb.GetItemCommand']).toBe(2);
  });
});

describe('the Anthropic dialect', () => {
  it('answers bad input with a 4xx in its own shape, never a 5xx', async () => {
    const claude = new Anthropic({ baseURL: t.gw.url, apiKey: t.gw.apiKey, maxRetries: 0 });
    for (const body of [{ model: 5 }, { model: 'claude-sonnet-4', max_tokens: -1, messages: [] }, { model: 'claude-sonnet-4', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'x' } }] }] }]) {
      const err = (await claude.messages.create(body as never).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(err.status).toBe(400);
      expect(err.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    }
  });
});
