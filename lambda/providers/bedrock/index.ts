// AWS Bedrock through the Converse and ConverseStream APIs, one runtime client per provider instance.
import type { BedrockRuntimeClient, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { streamCut } from '../../core/canonical/guard';
import type { Provider, ProviderInstance } from '../provider';
import { unwrapSchemaResult, unwrapSchemaStream } from '../schema-tool';
import { toUpstreamError } from './errors';
import { toConverseInput } from './request';
import { fromConverseOutput } from './response';
import { fromConverseStream } from './stream';

type BedrockSdk = typeof import('@aws-sdk/client-bedrock-runtime');

/**
 * The SDK client module, loaded on the first Bedrock call rather than at cold start: it costs about 10 ms
 * of module loading that a deployment routing elsewhere never needs.
 */
let sdk: Promise<BedrockSdk> | undefined;
const loadSdk = () => (sdk ??= import('@aws-sdk/client-bedrock-runtime'));

async function createClient({ BedrockRuntimeClient }: BedrockSdk, instance: ProviderInstance): Promise<BedrockRuntimeClient> {
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  return new BedrockRuntimeClient({
    region: instance.region ?? (instance.live ? undefined : 'us-east-1'),
    // The gateway retries on another route itself; SDK retries would hide faults and spend the time budget.
    maxAttempts: 1,
    // HTTP/1.1: the client's default HTTP/2 handler cannot reach a plain-http endpoint such as the simulator.
    // No request timeout here: the call's signal carries the gateway's time limits.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
    ...(instance.live
      ? instance.baseUrl
        ? { endpoint: instance.baseUrl }
        : {}
      : { endpoint: instance.baseUrl, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' } }),
  });
}

export function createBedrockProvider(instance: ProviderInstance): Provider {
  let client: Promise<BedrockRuntimeClient> | undefined;
  // Created on first use: loading the SDK and building the credential chain cost time on cold start for unused routes.
  const runtime = async () => {
    const mod = await loadSdk();
    client ??= createClient(mod, instance).catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return { mod, client: await client };
  };
  return {
    name: instance.name,
    kind: 'bedrock',
    async complete(call) {
      const { input, plan } = toConverseInput(call);
      try {
        const { mod, client } = await runtime();
        return unwrapSchemaResult(fromConverseOutput(await client.send(new mod.ConverseCommand(input), { abortSignal: call.signal })), plan);
      } catch (err) {
        throw toUpstreamError(err, call.signal, instance.name);
      }
    },
    async *stream(call) {
      const { input, plan } = toConverseInput(call);
      let events: AsyncIterable<ConverseStreamOutput> | undefined;
      try {
        const { mod, client } = await runtime();
        events = (await client.send(new mod.ConverseStreamCommand(input), { abortSignal: call.signal })).stream;
      } catch (err) {
        throw toUpstreamError(err, call.signal, instance.name);
      }
      if (!events) throw streamCut(instance.name);
      yield* unwrapSchemaStream(fromConverseStream(events, call.signal, instance.name), plan);
    },
  };
}
