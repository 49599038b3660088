// A response body between the socket and its reader: chunks queue as they arrive and are read as an async
// iterable (or whole, as text). The socket is paused while more than HIGH_WATER bytes wait unread, so a
// slow reader holds the provider back instead of filling memory.

/** Unread bytes past which the socket stops being read. */
const HIGH_WATER = 64 * 1024;

export interface Source {
  pause(): unknown;
  resume(): unknown;
}

export class BodyQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private queued = 0;
  private ended = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private paused = false;

  /** @param onStop called when the reader stops before the end: the rest of the body will never be read. */
  constructor(
    private readonly source: Source,
    private readonly onStop: () => void,
  ) {}

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER && !this.paused) {
      this.paused = true;
      this.source.pause();
    }
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The body broke off; a body already complete stays complete. */
  fail(err: Error): void {
    if (this.ended || this.error) return;
    this.error = err;
    this.notify();
  }

  /** The whole body; a body that has already arrived (a small answer) is read without waiting again. */
  async text(): Promise<string> {
    const parts: Uint8Array[] = [];
    for (;;) {
      // Taken as they come, so a body past HIGH_WATER never holds its own socket paused.
      if (this.chunks.length) {
        for (const chunk of this.chunks) parts.push(chunk);
        this.chunks = [];
        this.queued = 0;
        if (this.paused) {
          this.paused = false;
          this.source.resume();
        }
      }
      if (this.error) throw this.error;
      if (this.ended) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const whole = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    return Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength).toString('utf8');
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async (): Promise<IteratorResult<Uint8Array>> => {
        for (;;) {
          const chunk = this.chunks.shift();
          if (chunk) {
            this.queued -= chunk.length;
            if (this.paused && this.queued <= HIGH_WATER / 2) {
              this.paused = false;
              this.source.resume();
            }
            return { done: false, value: chunk };
          }
          if (this.error) throw this.error;
          if (this.ended) return { done: true, value: undefined };
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      },
      return: async (): Promise<IteratorResult<Uint8Array>> => {
        if (!this.ended && !this.error) {
          this.error = new Error('body not read to its end');
          this.onStop();
        }
        this.chunks = [];
        return { done: true, value: undefined };
      },
    };
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
