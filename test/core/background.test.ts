// Work a request starts but does not wait for runs in no request's async context.
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { detached } from '../../lambda/core/background';

describe('detached', () => {
  it('runs the task, and what it awaits, outside the caller\'s context, which is left as it was', async () => {
    const request = new AsyncLocalStorage<string>();
    const seen = await request.run('req-1', async () => {
      const inside = await detached(async () => {
        const before = request.getStore();
        await new Promise((r) => setTimeout(r, 1));
        return [before, request.getStore()];
      });
      return [...inside, request.getStore()];
    });
    expect(seen).toEqual([undefined, undefined, 'req-1']);
  });
});
