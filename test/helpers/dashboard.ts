// Dashboard tests' shared steps: the code Cognito "e-mailed" (cognito-local prints it a moment after the
// sign-up answers; the gateway picks it out of the output).
import { createHmac } from 'node:crypto';
import type { LocalGateway } from '../../lambda/local/gateway';

export async function codeFor(gw: LocalGateway, email: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!gw.cognito!.codes.some((c) => c.destination === email)) {
    if (Date.now() > deadline) throw new Error(`no code was delivered to ${email} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return gw.cognito!.codes.findLast((c) => c.destination === email)!.code;
}

/** The current code of an authenticator app set up with this base32 secret (RFC 6238: SHA-1, 6 digits, 30 s). */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
