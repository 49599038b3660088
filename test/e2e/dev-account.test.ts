// `npm start` says what the dev account may do, and it is true: enterprise limits generous enough that a
// newcomer's first burst of requests is never throttled.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import OpenAI from 'openai';
import { afterAll, expect, it } from 'vitest';
import { describeLimits } from '../../lambda/core/limits/describe';
import { PLANS } from '../../lambda/core/plans';

let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

it('prints the dev account plan and limits, and the dev key is not throttled by a first burst', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', '--port', '0', '--memory'], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^Simulated providers:/m.test(out)) resolve();
    });
    child!.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
  });
  const line = /^Dev account .*$/m.exec(out)?.[0];
  expect(line).toMatch(/^Dev account acct_\w+ is on the enterprise plan with generous limits: /);
  expect(line).toContain(`${describeLimits(PLANS.enterprise.limits)}.`);

  const client = new OpenAI({ baseURL: /OPENAI_BASE_URL=(\S+)/.exec(out)![1], apiKey: /OPENAI_API_KEY=(\S+)/.exec(out)![1], maxRetries: 0 });
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      client.chat.completions.create({ model: i % 2 ? 'gpt-5' : 'auto', messages: [{ role: 'user', content: `hello ${i}` }] }),
    ),
  );
  expect(answers.every((a) => a.choices[0]?.message.content)).toBe(true);
});
