// SigV4 for the admin API (service `execute-api`), with the default AWS credential chain: environment,
// shared config and SSO profiles, container and instance roles.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { CliError } from './errors';

type SourceData = string | ArrayBuffer | ArrayBufferView;
type SignableRequest = Parameters<SignatureV4['sign']>[0];
type Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

const bytes = (data: SourceData): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer expects (as @smithy/hash-node does). */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
}

/** The region of an execute-api host ("abc.execute-api.eu-west-1.amazonaws.com"), else the fallback. */
export function regionOf(url: URL, fallback: string | undefined): string {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1] ?? fallback ?? 'us-east-1';
}

export interface SignOptions {
  region: string;
  profile?: string;
  /** Tests pass static credentials; operators get the default chain. */
  credentials?: Credentials;
}

/** Headers to send (host excluded: fetch sets the same value itself). */
export async function signedHeaders(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: string | undefined,
  options: SignOptions,
): Promise<Record<string, string>> {
  const credentials = options.credentials ?? defaultProvider(options.profile ? { profile: options.profile } : {});
  const signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials, sha256: NodeSha256 });
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  const request: SignableRequest = {
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...headers, host: url.host },
    ...(body !== undefined ? { body } : {}),
  };
  let signed: SignableRequest;
  try {
    signed = await signer.sign(request);
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (name === 'CredentialsProviderError' || name === 'ProviderError') {
      throw new CliError(
        'No AWS credentials found for signing admin requests. Configure them (aws configure, aws sso login, ' +
          'AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or, for a local gateway, pass --token / OP_ADMIN_TOKEN.',
      );
    }
    throw new CliError(`Could not sign the request with AWS credentials: ${err instanceof Error ? err.message : String(err)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k] = v;
  return out;
}
