// `lastUsedAt` without a DynamoDB write per request: each instance writes a key's timestamp at most once
// per interval (a minute), so a key's last_used_at is accurate to about a minute per instance.
// The write is started without blocking the request; the edge awaits `settle()` after the last byte of
// the response, so it finishes inside the invocation rather than in a frozen Lambda sandbox.
import type { Clock } from './clock';
import type { KeyRecord, KeyStore } from './records';

const MAX_TRACKED = 10_000;

export class LastUsedRecorder {
  private readonly lastWrite = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Pick<KeyStore, 'touchKey'>,
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
  ) {}

  /** Records a use of `key`; writes only if this instance has not written (or read) it within the interval. */
  note(key: KeyRecord): void {
    const now = this.clock.now();
    const stored = key.lastUsedAt ? Date.parse(key.lastUsedAt) : -Infinity;
    const last = Math.max(this.lastWrite.get(key.hash) ?? -Infinity, stored);
    if (now - last < this.intervalMs) return;
    this.lastWrite.delete(key.hash);
    if (this.lastWrite.size >= MAX_TRACKED) {
      const oldest = this.lastWrite.keys().next().value;
      if (oldest !== undefined) this.lastWrite.delete(oldest);
    }
    // Set before the write: a failing table is retried a minute later, not on every request.
    this.lastWrite.set(key.hash, now);
    const write: Promise<void> = this.store
      .touchKey(key.hash, new Date(now).toISOString())
      .catch((err: unknown) => console.warn('last_used_at update failed', { keyId: key.keyId, error: String(err) }))
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for the writes started so far (never rejects). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
