// `npm start`: the gateway on this machine, with no AWS account and no provider keys needed.
//   npm start -- --port 8787 [--memory | --data-dir DIR] [--dynamo-endpoint URL] [--simulator-url URL]
//   npm start -- --runtime lambda [--concurrency N]   the deployable bundles under AWS's runtime client
import { parseArgs } from 'node:util';
import { describeLimits } from '../lambda/core/limits/describe';
import { limitsFor } from '../lambda/core/plans';
import { startLocalGateway } from '../lambda/local/gateway';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    memory: { type: 'boolean', default: false },
    // Several gateway processes can share one store and one simulator (as Lambda instances share AWS).
    'dynamo-endpoint': { type: 'string' },
    'simulator-url': { type: 'string' },
    // `lambda`: cdk.out's bundles under aws-lambda-ric (installed on first use) instead of this process.
    runtime: { type: 'string', default: 'local' },
    concurrency: { type: 'string' },
  },
});

const port = Number(values.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid port: ${values.port ?? process.env.PORT}`);
  process.exit(2);
}

const runtime = values.runtime;
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
if ((runtime !== 'local' && runtime !== 'lambda') || (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))) {
  console.error('Usage: --runtime local|lambda [--concurrency N] (N execution environments, lambda only)');
  process.exit(2);
}

const gateway = await startLocalGateway({
  port,
  dataDir: values.memory ? undefined : (values['data-dir'] ?? '.op-data'),
  dynamoEndpoint: values['dynamo-endpoint'],
  simulatorUrl: values['simulator-url'],
  // Humans watching a simulated stream should see it arrive token by token.
  simulatorDefaults: { ttftMs: 150, tokensPerSecond: 60 },
  runtime,
  // Install and synth progress, and the functions' own logs (CloudWatch's in AWS), go to stderr.
  lambda: { concurrency, log: (line) => console.error(line), functionOutput: (text) => process.stderr.write(text) },
  // Sign-up codes Cognito would e-mail: printed here (and kept in the data folder's cognito/codes.log).
  // A stand-in identity provider shows the single sign-on path (a deployment lists its real ones instead).
  dashboard: { onCode: (destination, code) => console.log(`Verification code for ${destination}: ${code}`), federation: ['ExampleSSO'] },
});

const runtimeName = runtime === 'lambda' ? 'bundles from cdk.out under aws-lambda-ric' : 'local runtime';
console.log(`OriginalPoint gateway is running (${runtimeName}, DynamoDB via dynalite at ${gateway.dynamoEndpoint}).`);
console.log(`Dashboard: ${gateway.url}/`);
console.log(`OPENAI_BASE_URL=${gateway.baseUrl}`);
console.log(`ANTHROPIC_BASE_URL=${gateway.url}`);
console.log(`OPENAI_API_KEY=${gateway.apiKey}`);
console.log(`OP_ADMIN_TOKEN=${gateway.adminToken}`);
const devAccount = await gateway.deps.store.keys.getAccount(gateway.accountId);
if (devAccount) {
  // The limits the key is actually held to, read back from the store (a saved account may have been changed).
  const generous = devAccount.plan === 'enterprise' ? ' with generous limits' : '';
  console.log(`Dev account ${gateway.accountId} is on the ${devAccount.plan} plan${generous}: ${describeLimits(limitsFor(devAccount))}.`);
}
if (gateway.devOwner) console.log(`Dashboard sign-in for the dev account: ${gateway.devOwner.email} / ${gateway.devOwner.password}`);
console.log(`Live providers: ${gateway.liveProviders.join(', ') || 'none'}`);
console.log(`Simulated providers: ${gateway.simulatedProviders.join(', ') || 'none'}${gateway.simulatorUrl ? ` (simulator at ${gateway.simulatorUrl})` : ''}`);

const stop = async () => {
  await gateway.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
