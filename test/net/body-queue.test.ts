import { describe, expect, it } from 'vitest';
import { BodyQueue } from '../../lambda/net/body-queue';

/** A socket stand-in that records whether it is being read. */
function source() {
  const s = { paused: false, pauses: 0, resumes: 0, pause: () => ((s.paused = true), s.pauses++), resume: () => ((s.paused = false), s.resumes++) };
  return s;
}

const bytes = (text: string) => Buffer.from(text);

describe('BodyQueue.text', () => {
  it('reads a body that had already arrived whole', async () => {
    const q = new BodyQueue(source(), () => undefined);
    q.push(bytes('{"a":'));
    q.push(bytes('1}'));
    q.end();
    expect(await q.text()).toBe('{"a":1}');
  });

  it('waits for chunks that arrive after it was asked, up to the end', async () => {
    const q = new BodyQueue(source(), () => undefined);
    const text = q.text();
    q.push(bytes('hel'));
    await new Promise((r) => setImmediate(r));
    q.push(bytes('lo'));
    q.end();
    expect(await text).toBe('hello');
  });

  it('resumes a socket paused past the high-water mark, so a large body cannot stall itself', async () => {
    const s = source();
    const q = new BodyQueue(s, () => undefined);
    const chunk = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 5; i++) q.push(bytes(chunk));
    expect(s.paused).toBe(true);
    const text = q.text();
    await new Promise((r) => setImmediate(r));
    // Taken by the reader, so the source reads again; the rest of the body can then arrive.
    expect(s.paused).toBe(false);
    q.push(bytes('end'));
    q.end();
    expect(await text).toBe(chunk.repeat(5) + 'end');
  });

  it('fails when the body breaks off before its end, even after some of it arrived', async () => {
    const q = new BodyQueue(source(), () => undefined);
    q.push(bytes('partial'));
    const text = q.text();
    q.fail(new Error('socket hang up'));
    await expect(text).rejects.toThrow('socket hang up');
  });
});
