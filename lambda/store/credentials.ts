// Where the store's requests get their AWS credentials, without the SDK on the cold path: a local endpoint
// (dynalite) takes any; in Lambda they are the function role's, in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); anywhere else (a laptop with a profile, a container role) the
// SDK's default chain is loaded on first use, which caches and refreshes them itself.
import type { Env } from '../config';
import type { Credentials } from './dynamo-http';

const LOCAL: Credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Fixed credentials come back as they are, not in a promise: every store request asks for them. */
export function storeCredentials(options: { dynamoEndpoint?: string; env: Env }): () => Credentials | Promise<Credentials> {
  if (options.dynamoEndpoint) return () => LOCAL;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = options.env;
  if (accessKeyId && secretAccessKey) {
    const fixed: Credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    return () => fixed;
  }
  let chain: Promise<() => Promise<Credentials>> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    return (await chain)();
  };
}
