// cognito-local (npm) as the local stand-in for Amazon Cognito, like dynalite for DynamoDB: a child process
// on a free loopback port, its data under the given folder, with one user pool and the dashboard's app
// client created on first start and found again after. The codes Cognito would e-mail (sign-up
// verification, password reset) are what cognito-local stored for the user (its own console output of them
// stops after it has logged an error, so it is not relied on): read after each call that sends one, written
// to `codes.log` in the folder, and handed to `onCode`.
// One difference from Cognito is mended by a small proxy in front: cognito-local leaves `email_verified`
// false after a sign-up is confirmed with the e-mailed code, where Cognito sets it (the code proved the
// address). The proxy marks the address verified once a confirmation succeeds, so the dashboard's check of
// that claim means the same locally as in AWS. The same proxy serves the pool domain's OAuth endpoints with
// stand-in identity providers (hosted-ui.ts), which cognito-local does not have.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PASSWORD_POLICY } from '../core/dashboard/password-policy';
import { hostedUi, type Tokens } from './hosted-ui';
import {
  CognitoIdentityProviderClient,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface LocalCognito {
  /** Cognito's API endpoint, for the browser and SDK clients. */
  endpoint: string;
  poolId: string;
  clientId: string;
  /** The `iss` of the tokens cognito-local signs. */
  issuer: string;
  jwksUri: string;
  /** With stand-in identity providers: the pool domain the page sends federated sign-ins to, and their names. */
  federation?: { domain: string; providers: string[] };
  /** Every code delivered so far, oldest first. */
  codes: Array<{ destination: string; code: string }>;
  /** A confirmed user with a verified address (the dev account's owner), created if missing; its subject. */
  ensureUser(email: string, password: string): Promise<string>;
  close(): Promise<void>;
}


const ANSI = /\u001b\[[0-9;]*m/g;

export interface CognitoLocalOptions {
  dir: string;
  onCode?: (destination: string, code: string) => void;
  /** Stand-in identity providers by name, and the app client's callback URLs for them. */
  federation?: { providers: string[]; callbackUrls(): string[] };
}

export async function startCognitoLocal(options: CognitoLocalOptions): Promise<LocalCognito> {
  mkdirSync(options.dir, { recursive: true });
  const bin = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  // cognito-local writes its own port into the tokens' issuer: it must be given a real one.
  const free = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  // It goes when its parent goes, however that ends: a parent killed with SIGKILL (or crashing) runs no
  // close(), and cognito-local would otherwise live on, orphaned. The IPC channel closes with the parent.
  const child: ChildProcess = spawn(process.execPath, ['-e', "process.on('disconnect', () => process.exit(0)); require(process.argv[1]);", bin], {
    cwd: options.dir,
    env: { PATH: process.env.PATH ?? '', PORT: String(free), HOST: '127.0.0.1', AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const codes: LocalCognito['codes'] = [];
  // Ready once it says it is listening; its output goes on to cognito-local.log for whoever debugs it.
  let pending: string | undefined = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('cognito-local did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`cognito-local exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8').replace(ANSI, '');
      appendFileSync(join(options.dir, 'cognito-local.log'), text);
      if (pending === undefined) return;
      pending += text;
      if (/running on http:\/\//.test(pending)) {
        clearTimeout(timer);
        pending = undefined;
        resolve();
      }
    });
    child.stderr?.resume();
  });
  const port = free;
  const upstream = `http://127.0.0.1:${port}`;
  const client = new CognitoIdentityProviderClient({ endpoint: upstream, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const saved = join(options.dir, 'pool.json');
  let pool: { poolId: string; clientId: string } | undefined = existsSync(saved) ? (JSON.parse(readFileSync(saved, 'utf8')) as { poolId: string; clientId: string }) : undefined;
  if (pool && !(await client.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId })).catch(() => undefined))) pool = undefined;
  if (!pool) {
    const created = await client.send(
      new CreateUserPoolCommand({ PoolName: 'originalpoint', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'], Policies: { PasswordPolicy: { ...PASSWORD_POLICY } } }),
    );
    const poolId = created.UserPool!.Id!;
    const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'dashboard', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
    pool = { poolId, clientId: app.UserPoolClient!.ClientId! };
    writeFileSync(saved, JSON.stringify(pool));
  }
  const poolId = pool.poolId;
  // As the stack's pool: TOTP offered, each user's choice (cognito-local's own default is MFA off). Set on
  // every start so a pool saved by an older version gets it too.
  await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
  const deliver = (email: string) => {
    const code = storedCode(options.dir, poolId, email);
    if (!code) return;
    codes.push({ destination: email, code });
    appendFileSync(join(options.dir, 'codes.log'), `${new Date().toISOString()} ${email} ${code}\n`);
    options.onCode?.(email, code);
  };
  const federated = options.federation
    ? hostedUi({ clientId: pool.clientId, providers: options.federation.providers, callbackUrls: options.federation.callbackUrls, signIn: (_provider, email) => federatedSignIn(client, pool!, options.dir, email) })
    : undefined;
  const proxy = await verifyingProxy(upstream, federated, deliver, async (username) => {
    await client.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: username,
        UserAttributes: [
          // cognito-local wants the address named alongside the flag; with usernames as e-mail it is the username.
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  });
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    endpoint,
    ...pool,
    ...(options.federation ? { federation: { domain: endpoint, providers: options.federation.providers } } : {}),
    issuer: `http://127.0.0.1:${port}/${pool.poolId}`,
    jwksUri: `${upstream}/${pool.poolId}/.well-known/jwks.json`,
    codes,
    async ensureUser(email, password) {
      const existing = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email })).catch(() => undefined);
      if (!existing) {
        await client.send(new SignUpCommand({ ClientId: pool!.clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
        await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: email }));
        await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: email, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
      }
      const user = existing ?? (await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email })));
      const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? user.Username;
      if (!sub) throw new Error('cognito-local returned a user without a subject');
      return sub;
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      });
    },
  };
}

/** The code cognito-local stored for the user with this e-mail address (its pool's StormDB file). */
function storedCode(dir: string, poolId: string, email: string): string | undefined {
  try {
    const db = JSON.parse(readFileSync(join(dir, '.cognito', 'db', `${poolId}.json`), 'utf8')) as { Users?: Record<string, { Attributes?: Array<{ Name: string; Value: string }>; ConfirmationCode?: string }> };
    const user = Object.values(db.Users ?? {}).find((u) => u.Attributes?.some((a) => a.Name === 'email' && a.Value.toLowerCase() === email.toLowerCase()));
    return user?.ConfirmationCode;
  } catch {
    return undefined;
  }
}

/**
 * The pool's tokens for someone a stand-in identity provider vouched for. Cognito keeps federated users
 * apart from password users; this pool names users by e-mail, so a stand-in user is a pool user (listed in
 * the data folder) whose password is a fresh random one at each sign-in, known to nobody after it; an
 * address that already signs in with a password is refused rather than taken over.
 */
async function federatedSignIn(client: CognitoIdentityProviderClient, pool: { poolId: string; clientId: string }, dir: string, email: string): Promise<Tokens> {
  const file = join(dir, 'federated-users.json');
  const known = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
  const UserPoolId = pool.poolId;
  if (!known.includes(email)) {
    const existing = await client.send(new AdminGetUserCommand({ UserPoolId, Username: email })).catch(() => undefined);
    if (existing) throw new Error(`${email} already signs in with a password in the local pool; the local stand-in signs in other addresses only.`);
    await client.send(new AdminCreateUserCommand({ UserPoolId, Username: email, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }] }));
    writeFileSync(file, JSON.stringify([...known, email]));
  }
  const password = `Fd-${randomBytes(18).toString('base64url')}-9a`;
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: password, Permanent: true }));
  const out = await client.send(new AdminInitiateAuthCommand({ UserPoolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const result = out.AuthenticationResult;
  if (!result?.IdToken || !result.AccessToken) throw new Error('cognito-local did not sign the stand-in user in');
  return { IdToken: result.IdToken, AccessToken: result.AccessToken, ...(result.RefreshToken ? { RefreshToken: result.RefreshToken } : {}) };
}

/** The calls after which Cognito e-mails a code. */
const SENDS_CODE = ['.SignUp', '.ResendConfirmationCode', '.ForgotPassword'];

/**
 * Passes every request through; after a call that sends a code, reports it; after a successful
 * ConfirmSignUp, marks the user's e-mail verified.
 */
function verifyingProxy(
  upstream: string,
  domain: ((req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>) | undefined,
  delivered: (email: string) => void,
  verified: (username: string) => Promise<void>,
): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (domain && (await domain(req, res, body))) return;
      const out = request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const target = String(req.headers['x-amz-target'] ?? '');
          const ok = answer.statusCode === 200;
          const done = () => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          };
          let username = '';
          try {
            username = String((JSON.parse(body.toString('utf8')) as { Username?: string }).Username ?? '');
          } catch {
            // Not JSON: cognito-local would not have answered 200.
          }
          // Usernames are e-mail addresses in this pool.
          if (ok && SENDS_CODE.some((t) => target.endsWith(t))) delivered(username);
          if (!(ok && target.endsWith('.ConfirmSignUp'))) return done();
          verified(username).then(done, (err: unknown) => (console.error("cognito-local: could not mark the e-mail verified", err), done()));
        });
      });
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
