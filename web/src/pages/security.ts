// The signed-in user's own sign-in: an authenticator app (TOTP) as a second step, set up by scanning a QR
// code (or typing the secret) and proving it with one code. Federated users' second factor belongs to their
// identity provider, so the page says so instead.
import qrcode from 'qrcode-generator';
import { useEffect, useState } from 'preact/hooks';
import * as cognito from '../cognito';
import type { Config } from '../config';
import { html, useAction } from '../html';

/** The otpauth URI authenticator apps read from the QR code (Key Uri Format). */
const otpauth = (secret: string, email: string) => `otpauth://totp/${encodeURIComponent(`OriginalPoint:${email}`)}?secret=${secret}&issuer=OriginalPoint`;

function qrDataUrl(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(4, 4);
}

export function Security({ config, session }: { config: Config; session: cognito.Session }) {
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const { busy, error, setError, notice, setNotice, run } = useAction();
  useEffect(() => {
    if (!session.federated) cognito.totpEnabled(config, session).then(setEnabled, (err: Error) => setError(err.message));
  }, [session]);


  if (session.federated) {
    return html`<section class="card"><h2>Sign-in</h2><p>You sign in through ${session.federated}: your password and second factor are managed there.</p></section>`;
  }
  const status = enabled === null ? 'Checking…' : enabled ? 'On: every sign-in asks for a code from your authenticator app.' : 'Off: a password alone signs you in.';
  return html`<section class="card" aria-labelledby="mfa-title">
    <h2 id="mfa-title">Two-step sign-in</h2>
    <p data-testid="mfa-status">${status}</p>
    ${enabled === false && !secret
      ? html`<button onClick=${run('Starting…', async () => setSecret(await cognito.associateTotp(config, session)))} disabled=${!!busy}>Set up an authenticator app</button>`
      : null}
    ${secret
      ? html`<form aria-label="Set up an authenticator app" onSubmit=${run('Checking the code…', async () => {
          await cognito.enableTotp(config, session, code.trim(), 'Authenticator app');
          setSecret(null);
          setCode('');
          setEnabled(true);
          setNotice('Two-step sign-in is on.');
        })}>
          <p>Scan this code with an authenticator app, or type the key into it.</p>
          <img src=${qrDataUrl(otpauth(secret, session.email))} alt="QR code for setting up the authenticator app" width="200" height="200" />
          <p>Key: <code data-testid="totp-secret">${secret}</code></p>
          <label for="totp-code">Code from the app</label>
          <input id="totp-code" inputmode="numeric" autocomplete="one-time-code" value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} required />
          <button type="submit" disabled=${!!busy}>Turn on</button>
          <button type="button" class="secondary" onClick=${() => setSecret(null)}>Cancel</button>
        </form>`
      : null}
    ${enabled
      ? html`<button class="danger" onClick=${run('Turning off…', async () => {
          await cognito.disableTotp(config, session);
          setEnabled(false);
          setNotice('Two-step sign-in is off.');
        })} disabled=${!!busy}>Turn off two-step sign-in</button>`
      : null}
    ${busy ? html`<p class="progress" role="status">${busy}</p>` : null}
    ${notice ? html`<p class="note" role="status">${notice}</p>` : null}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
  </section>`;
}
