// Signing up, verifying with the e-mailed code, signing in (with the authenticator's code where the user
// turned it on, or through the organisation's identity provider) and resetting a password.
import { useState } from 'preact/hooks';
import * as cognito from '../cognito';
import type { Config } from '../config';
import { startFederatedSignIn } from '../federation';
import { html, useAction } from '../html';

type Step = 'sign-in' | 'sign-up' | 'verify' | 'forgot' | 'reset' | 'mfa';

export function AuthPage({ config, onSignedIn, initialError }: { config: Config; onSignedIn: (s: cognito.Session) => void; initialError?: string | null }) {
  const [step, setStep] = useState<Step>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { busy, error, notice, setNotice, run } = useAction(initialError ?? null);
  const [challenge, setChallenge] = useState<cognito.MfaChallenge | null>(null);


  const signIn = async () => {
    const out = await cognito.signIn(config, email.trim(), password);
    if ('challenge' in out) {
      setChallenge(out);
      setCode('');
      setStep('mfa');
    } else onSignedIn(out);
  };
  const field = (id: string, label: string, value: string, set: (v: string) => void, type = 'text', autocomplete = 'off') =>
    html`<label for=${id}>${label}</label><input id=${id} type=${type} autocomplete=${autocomplete} value=${value} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} required />`;
  const tabs = html`<div class="tabs" role="tablist">
    <button role="tab" aria-selected=${step === 'sign-in'} class=${step === 'sign-in' ? '' : 'secondary'} onClick=${() => setStep('sign-in')}>Sign in</button>
    <button role="tab" aria-selected=${step === 'sign-up'} class=${step === 'sign-up' ? '' : 'secondary'} onClick=${() => setStep('sign-up')}>Sign up</button>
  </div>`;

  let form;
  if (step === 'sign-in') {
    form = html`<form onSubmit=${run('Signing in…', signIn)} aria-label="Sign in">
      ${field('email', 'E-mail', email, setEmail, 'email', 'username')} ${field('password', 'Password', password, setPassword, 'password', 'current-password')}
      <button type="submit" disabled=${!!busy}>Sign in</button>
      <button type="button" class="secondary" onClick=${() => setStep('forgot')}>Forgot password?</button>
    </form>
    ${config.federation?.providers.length
      ? html`<div class="sso" aria-label="Single sign-on">
          <p class="note">Or with your organisation's sign-in:</p>
          ${config.federation.providers.map((p) => html`<button type="button" class="secondary" disabled=${!!busy} onClick=${run('Opening your organisation\'s sign-in…', () => startFederatedSignIn(config, p))}>Sign in with ${p}</button>`)}
        </div>`
      : null}`;
  } else if (step === 'mfa') {
    form = html`<form onSubmit=${run('Signing in…', async () => onSignedIn(await cognito.answerMfa(config, challenge!, code.trim())))} aria-label="Second sign-in step">
      <p class="note">Enter the 6-digit code your authenticator app shows for OriginalPoint.</p>
      ${field('code', 'Authenticator code', code, setCode, 'text', 'one-time-code')}
      <button type="submit" disabled=${!!busy}>Sign in</button>
      <button type="button" class="secondary" onClick=${() => (setChallenge(null), setStep('sign-in'))}>Back</button>
    </form>`;
  } else if (step === 'sign-up') {
    form = html`<form onSubmit=${run('Creating your account…', async () => {
      await cognito.signUp(config, email.trim(), password);
      setNotice(`We e-mailed a code to ${email.trim()}.`);
      setStep('verify');
    })} aria-label="Sign up">
      ${field('email', 'E-mail', email, setEmail, 'email', 'username')} ${field('password', 'Password (at least 12 characters: upper and lower case, a digit and a symbol)', password, setPassword, 'password', 'new-password')}
      <button type="submit" disabled=${!!busy}>Create account</button>
    </form>`;
  } else if (step === 'verify') {
    form = html`<form onSubmit=${run('Verifying…', async () => {
      await cognito.confirmSignUp(config, email.trim(), code.trim());
      await signIn();
    })} aria-label="Verify your e-mail">
      ${field('code', 'Verification code', code, setCode, 'text', 'one-time-code')}
      <button type="submit" disabled=${!!busy}>Verify and sign in</button>
      <button type="button" class="secondary" onClick=${run('Sending…', async () => { await cognito.resendCode(config, email.trim()); setNotice('A new code is on its way.'); })}>Send a new code</button>
    </form>`;
  } else if (step === 'forgot') {
    form = html`<form onSubmit=${run('Sending…', async () => {
      await cognito.forgotPassword(config, email.trim());
      setNotice(`If ${email.trim()} has an account, a reset code is on its way.`);
      setStep('reset');
    })} aria-label="Reset your password">
      ${field('email', 'E-mail', email, setEmail, 'email', 'username')}
      <button type="submit" disabled=${!!busy}>Send reset code</button>
    </form>`;
  } else {
    form = html`<form onSubmit=${run('Saving…', async () => {
      await cognito.confirmForgotPassword(config, email.trim(), code.trim(), password);
      setNotice('Password changed: sign in with the new one.');
      setStep('sign-in');
    })} aria-label="Choose a new password">
      ${field('code', 'Reset code', code, setCode, 'text', 'one-time-code')} ${field('password', 'New password', password, setPassword, 'password', 'new-password')}
      <button type="submit" disabled=${!!busy}>Set password</button>
    </form>`;
  }
  return html`<main class="auth">
    <h1>OriginalPoint</h1>
    <section>
      ${tabs}
      ${notice ? html`<p class="note" role="status">${notice}</p>` : null}
      ${form}
      ${busy ? html`<p class="progress" role="status">${busy}</p>` : null}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    </section>
  </main>`;
}
