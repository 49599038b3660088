// Sign-up, verification, sign-in and password reset against Cognito's own API (JSON over HTTPS, as the
// AWS SDKs send it), from the browser: no SDK needed for five calls. Locally the same calls go to
// cognito-local. The session (ID and refresh tokens) lives in sessionStorage: gone when the tab closes.
import type { Config } from './config';

export interface Session {
  idToken: string;
  refreshToken?: string;
  email: string;
}

export class CognitoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cognito's messages are fine for people; a few are said better. */
const WORDS: Record<string, string> = {
  UsernameExistsException: 'An account with this e-mail address already exists. Sign in instead.',
  CodeMismatchException: 'That code is not right. Check the e-mail and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  NotAuthorizedException: 'Wrong e-mail address or password.',
  UserNotConfirmedException: 'This address is not verified yet: enter the code we e-mailed you.',
  InvalidPasswordException: 'The password is too weak: use at least 12 characters with upper and lower case letters, a digit and a symbol.',
};

async function call<T>(config: Config, action: string, body: object): Promise<T> {
  const res = await fetch(config.cognitoEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as { __type?: string; message?: string } & T;
  if (!res.ok) {
    const code = (json.__type ?? 'Error').split('#').pop() ?? 'Error';
    throw new CognitoError(code, WORDS[code] ?? json.message ?? `Sign-in service error (${res.status}).`);
  }
  return json;
}

export const signUp = (config: Config, email: string, password: string) =>
  call(config, 'SignUp', { ClientId: config.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] });

export const confirmSignUp = (config: Config, email: string, code: string) => call(config, 'ConfirmSignUp', { ClientId: config.clientId, Username: email, ConfirmationCode: code });

export const resendCode = (config: Config, email: string) => call(config, 'ResendConfirmationCode', { ClientId: config.clientId, Username: email });

export const forgotPassword = (config: Config, email: string) => call(config, 'ForgotPassword', { ClientId: config.clientId, Username: email });

export const confirmForgotPassword = (config: Config, email: string, code: string, password: string) =>
  call(config, 'ConfirmForgotPassword', { ClientId: config.clientId, Username: email, ConfirmationCode: code, Password: password });

export async function signIn(config: Config, email: string, password: string): Promise<Session> {
  const out = await call<{ AuthenticationResult?: { IdToken: string; RefreshToken?: string }; ChallengeName?: string }>(config, 'InitiateAuth', {
    ClientId: config.clientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  if (!out.AuthenticationResult) throw new CognitoError(out.ChallengeName ?? 'Challenge', 'This account needs a second sign-in step (MFA), which this page does not offer yet.');
  const session = { idToken: out.AuthenticationResult.IdToken, email, ...(out.AuthenticationResult.RefreshToken ? { refreshToken: out.AuthenticationResult.RefreshToken } : {}) };
  sessionStorage.setItem('op.session', JSON.stringify(session));
  return session;
}

export function savedSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem('op.session');
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function signOut(): void {
  sessionStorage.removeItem('op.session');
}
