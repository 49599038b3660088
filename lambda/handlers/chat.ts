// The /v1 Lambda's entry. Its dependencies start building as the module loads, so their DynamoDB round
// trips overlap the runtime client's wait for the first invocation; a failure is retried by that invocation.
import { createChatHandler } from './chat-handler';
import { lazyDeps } from './deps';

const deps = lazyDeps();
deps().catch(() => undefined);

export const handler = createChatHandler(deps);
