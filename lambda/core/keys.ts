import { hash, randomFillSync } from 'node:crypto';

// Key format (invariant): "op_" + 37 characters from [A-Za-z0-9], 40 in all.
// 37 base62 characters carry 37 * log2(62) ≈ 220 bits of entropy (the floor is 190).
// Characters are drawn by rejection sampling from crypto random bytes, so every character is uniform.
// Only the SHA-256 hex digest of the whole key is ever stored; the key itself is shown once.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_PREFIX = 'op_';
export const KEY_BODY_LENGTH = 37;
const KEY_PATTERN = /^op_[A-Za-z0-9]{37}$/;

/**
 * Random bytes drawn ahead in one call and used once each, front to back (as Node's randomUUID does):
 * one kernel round per 4 KB instead of one per id. A byte is never handed out twice.
 */
const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

function randomByte(): number {
  if (poolAt === POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  return POOL[poolAt++] as number;
}

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    // 248 = 4 * 62: bytes at or above it would bias the first characters, so they are dropped.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export function generateApiKey(): string {
  return KEY_PREFIX + randomBase62(KEY_BODY_LENGTH);
}

export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What lists show instead of the key: "op_a1b2…wxyz". */
export function keyHint(key: string): string {
  return `${key.slice(0, 7)}…${key.slice(-4)}`;
}
