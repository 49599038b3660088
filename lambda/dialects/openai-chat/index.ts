// The OpenAI Chat Completions dialect: POST /v1/chat/completions, and OpenAI's models API (the gateway's
// catalog in OpenAI's list shape), both in OpenAI's error shape.
import { generate, serveKeyed } from '../../core/lifecycle';
import { newCompletionId } from '../../core/ids';
import { bearer, type Dialect } from '../dialect';
import { renderOpenAIError } from '../openai-error';
import { respond, seconds } from '../respond';
import { encodeStream } from '../sse';
import { modelAccess } from '../../core/model-access';
import { getModel, listModels } from './models';
import { parseChatRequest, type ChatOptions } from './parse';
import { ChatStreamEncoder, renderCompletion } from './render';

export const openaiChat: Dialect = {
  renderError: (error) => renderOpenAIError(error),
  endpoints: [
    {
      method: 'POST',
      path: /^\/v1\/chat\/completions$/,
      async serve(req, _params, ctx, deps) {
        let options: ChatOptions = { includeUsage: false };
        const exchange = await generate(
          {
            dialect: 'openai-chat',
            credential: bearer(req.headers.authorization),
            parse: () => {
              const parsed = parseChatRequest(req.body);
              options = parsed.options;
              return parsed.request;
            },
          },
          ctx,
          deps,
        );
        const id = (exchange.answerId = newCompletionId());
        const created = seconds(exchange.started);
        return respond(exchange, openaiChat, {
          json: (result, served) => renderCompletion(result, served, id, created, exchange.latencyMs),
          stream: (parts, served) => encodeStream(parts, new ChatStreamEncoder(id, created, served.model.id, options.includeUsage)),
        });
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/models$/,
      async serve(req, _params, ctx, deps) {
        const { value, headers } = await serveKeyed(bearer(req.headers.authorization), ctx, deps, async (auth) => listModels(deps.catalog, modelAccess(auth)));
        return { kind: 'json', status: 200, headers, body: value };
      },
    },
    {
      method: 'GET',
      path: /^\/v1\/models\/(.+)$/,
      async serve(req, params, ctx, deps) {
        const { value, headers } = await serveKeyed(bearer(req.headers.authorization), ctx, deps, async (auth) => getModel(deps.catalog, params[0] ?? '', modelAccess(auth)));
        return { kind: 'json', status: 200, headers, body: value };
      },
    },
  ],
};
