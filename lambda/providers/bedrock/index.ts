// AWS Bedrock through the Converse and ConverseStream APIs, one runtime client per provider instance.
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { streamCut } from '../http';
import type { Provider, ProviderInstance } from '../provider';
import { toUpstreamError } from './errors';
import { toConverseInput } from './request';
import { fromConverseOutput } from './response';
import { fromConverseStream } from './stream';

function createClient(instance: ProviderInstance): BedrockRuntimeClient {
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
  let client: BedrockRuntimeClient | undefined;
  // Created on first use: building the credential chain costs time on cold start for unused routes.
  const runtime = () => (client ??= createClient(instance));
  return {
    name: instance.name,
    kind: 'bedrock',
    async complete(call) {
      const input = toConverseInput(call);
      try {
        return fromConverseOutput(await runtime().send(new ConverseCommand(input), { abortSignal: call.signal }));
      } catch (err) {
        throw toUpstreamError(err, call.signal, instance.name);
      }
    },
    async *stream(call) {
      const input = toConverseInput(call);
      let events: AsyncIterable<ConverseStreamOutput> | undefined;
      try {
        events = (await runtime().send(new ConverseStreamCommand(input), { abortSignal: call.signal })).stream;
      } catch (err) {
        throw toUpstreamError(err, call.signal, instance.name);
      }
      if (!events) throw streamCut(instance.name);
      yield* fromConverseStream(events, call.signal, instance.name);
    },
  };
}
