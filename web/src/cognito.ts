// Sign-up, verification, sign-in (with a TOTP second step where the user turned it on), password reset
// and authenticator-app enrollment against Cognito's own API (JSON over HTTPS, as the AWS SDKs send it),
// from the browser: no SDK needed for a dozen calls. Locally the same calls go to cognito-local. The
// session (ID, access and refresh tokens) lives in sessionStorage: gone when the tab closes.
import type { Config } from './config';

export interface Session {
  idToken: string;
  /** Cognito's access token: what the user's own calls (MFA enrollment) present. */
  accessToken: string;
  refreshToken?: string;
  email: string;
  /** Signed in through an identity provider: its sign-in, not this pool's, holds the password and MFA. */
  federated?: string;
}

/** Cognito asks for the authenticator's code before it hands out tokens. */
export interface MfaChallenge {
  challenge: 'SOFTWARE_TOKEN_MFA';
  session: string;
  username: string;
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
  EnableSoftwareTokenMFAException: 'That code is not right: check the time on your device and enter the newest code.',
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

type AuthResult = { IdToken: string; AccessToken: string; RefreshToken?: string };
type AuthAnswer = { AuthenticationResult?: AuthResult; ChallengeName?: string; Session?: string; ChallengeParameters?: Record<string, string> };

/** Keeps the session for the tab's life. */
export function remember(session: Session): Session {
  sessionStorage.setItem('op.session', JSON.stringify(session));
  return session;
}

function sessionOf(result: AuthResult, email: string): Session {
  return remember({ idToken: result.IdToken, accessToken: result.AccessToken, email, ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}) });
}

export async function signIn(config: Config, email: string, password: string): Promise<Session | MfaChallenge> {
  const out = await call<AuthAnswer>(config, 'InitiateAuth', { ClientId: config.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } });
  if (out.AuthenticationResult) return sessionOf(out.AuthenticationResult, email);
  if (out.ChallengeName === 'SOFTWARE_TOKEN_MFA' && out.Session) return { challenge: out.ChallengeName, session: out.Session, username: out.ChallengeParameters?.USER_ID_FOR_SRP ?? email, email };
  throw new CognitoError(out.ChallengeName ?? 'Challenge', `This account needs a sign-in step (${out.ChallengeName ?? 'unknown'}) this page does not offer.`);
}

/** The second step: the authenticator app's current code. */
export async function answerMfa(config: Config, challenge: MfaChallenge, code: string): Promise<Session> {
  const out = await call<AuthAnswer>(config, 'RespondToAuthChallenge', {
    ClientId: config.clientId,
    ChallengeName: challenge.challenge,
    Session: challenge.session,
    ChallengeResponses: { USERNAME: challenge.username, SOFTWARE_TOKEN_MFA_CODE: code },
  });
  if (!out.AuthenticationResult) throw new CognitoError('Challenge', 'The sign-in did not complete: sign in again.');
  return sessionOf(out.AuthenticationResult, challenge.email);
}

/** Whether the signed-in user has an authenticator app turned on. */
export async function totpEnabled(config: Config, session: Session): Promise<boolean> {
  const user = await call<{ UserMFASettingList?: string[] }>(config, 'GetUser', { AccessToken: session.accessToken });
  return (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA');
}

/** Starts enrollment: the secret the authenticator app is set up with. */
export const associateTotp = async (config: Config, session: Session): Promise<string> =>
  (await call<{ SecretCode: string }>(config, 'AssociateSoftwareToken', { AccessToken: session.accessToken })).SecretCode;

/** Finishes enrollment with a code from the app and makes it the second step of every sign-in. */
export async function enableTotp(config: Config, session: Session, code: string, deviceName: string): Promise<void> {
  await call(config, 'VerifySoftwareToken', { AccessToken: session.accessToken, UserCode: code, FriendlyDeviceName: deviceName });
  await call(config, 'SetUserMFAPreference', { AccessToken: session.accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } });
}

export const disableTotp = (config: Config, session: Session) =>
  call(config, 'SetUserMFAPreference', { AccessToken: session.accessToken, SoftwareTokenMfaSettings: { Enabled: false, PreferredMfa: false } });

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
