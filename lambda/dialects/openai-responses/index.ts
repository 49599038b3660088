// The OpenAI Responses dialect: POST /v1/responses (whole or streamed), and the stored responses behind
// GET and DELETE /v1/responses/{id}, in OpenAI's error shape. State (store, previous_response_id,
// item_reference) is the gateway's own: see state.ts.
import type { AssistantPart, Message } from '../../core/canonical/content';
import { newResponseId } from '../../core/ids';
import { generate, serveKeyed } from '../../core/lifecycle';
import { logError } from '../../core/limits/admission';
import type { GatewayDeps } from '../../core/deps';
import { bearer, type Dialect } from '../dialect';
import { renderOpenAIError } from '../openai-error';
import { respond, seconds } from '../respond';
import { encodeStream } from '../sse';
import { inputMessages } from './items';
import { conversation, parseResponsesRequest, type ResponsesOptions } from './parse';
import { ResponsesStreamEncoder, completedResponse, type ResponseShape } from './render';
import { history, itemResolver, ownResponse, responseNotFound } from './state';

/** Canonical field names in this dialect's words, for errors the core raises. */
const PARAMS = { messages: 'input', max_tokens: 'max_output_tokens', response_format: 'text.format' } as const;

const DAY_MS = 86_400_000;

async function save(deps: GatewayDeps, accountId: string, shape: ResponseShape, input: Message[], output: AssistantPart[], response: unknown): Promise<void> {
  if (!shape.options.store) return;
  const now = deps.clock.now();
  try {
    await deps.store.responses.put({
      id: shape.id,
      accountId,
      createdAt: now,
      expiresAt: now + deps.config.responsesRetentionDays * DAY_MS,
      ...(shape.options.previousResponseId ? { previousResponseId: shape.options.previousResponseId } : {}),
      input,
      output,
      response,
    });
  } catch (err) {
    // The answer itself is whole: a failed save costs only a later previous_response_id, which then says so.
    logError('response could not be stored', err);
  }
}

export const openaiResponses: Dialect = {
  renderError: (error) => renderOpenAIError(error, PARAMS),
  endpoints: [
    {
      method: 'POST',
      path: /^\/v1\/responses$/,
      async serve(req, _params, ctx, deps) {
        let options!: ResponsesOptions;
        let input: Message[] = [];
        const exchange = await generate(
          {
            dialect: 'openai-responses',
            credential: bearer(req.headers.authorization),
            parse: async (auth) => {
              const parsed = parseResponsesRequest(req.body);
              options = parsed.options;
              const store = deps.store.responses;
              const account = auth.account.accountId;
              input = await inputMessages(parsed.input, itemResolver(store, account));
              const past = options.previousResponseId ? await history(store, account, options.previousResponseId) : [];
              return { ...parsed.request, messages: conversation(options.instructions, past, input) };
            },
          },
          ctx,
          deps,
        );
        const id = (exchange.answerId = newResponseId());
        const shape: ResponseShape = { id, createdAt: seconds(exchange.started), options };
        const account = exchange.auth.account.accountId;
        const now = () => deps.clock.now();
        return respond(exchange, openaiResponses, {
          json: async (result, served) => {
            const body = completedResponse(shape, result, served, seconds(now()), exchange.latencyMs);
            await save(deps, account, shape, input, result.content, body);
            return body;
          },
          stream: (parts, served) =>
            encodeStream(
              parts,
              new ResponsesStreamEncoder(shape, served, now, () => now() - exchange.started, (response, content) => save(deps, account, shape, input, content, response)),
            ),
        });
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/responses\/([^/]+)$/,
      async serve(req, params, ctx, deps) {
        const id = params[0] ?? '';
        const { value, headers } = await serveKeyed(bearer(req.headers.authorization), ctx, deps, async (auth) => {
          const found = await ownResponse(deps.store.responses, auth.account.accountId, id);
          if (!found) throw responseNotFound(id);
          return found.response;
        });
        return { kind: 'json', status: 200, headers, body: value };
      },
    },
    {
      method: 'DELETE',
      path: /^\/v1\/responses\/([^/]+)$/,
      async serve(req, params, ctx, deps) {
        const id = params[0] ?? '';
        const { value, headers } = await serveKeyed(bearer(req.headers.authorization), ctx, deps, async (auth) => {
          const found = await ownResponse(deps.store.responses, auth.account.accountId, id);
          if (!found || !(await deps.store.responses.delete(found.id))) throw responseNotFound(id);
          return { id: found.id, object: 'response', deleted: true };
        });
        return { kind: 'json', status: 200, headers, body: value };
      },
    },
  ],
};
