// Dashboard tests' shared steps: the code Cognito "e-mailed" (cognito-local prints it a moment after the
// sign-up answers; the gateway picks it out of the output).
import type { LocalGateway } from '../../lambda/local/gateway';

export async function codeFor(gw: LocalGateway, email: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!gw.cognito!.codes.some((c) => c.destination === email)) {
    if (Date.now() > deadline) throw new Error(`no code was delivered to ${email} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return gw.cognito!.codes.findLast((c) => c.destination === email)!.code;
}
