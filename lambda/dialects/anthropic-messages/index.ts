// The Anthropic Messages dialect: POST /v1/messages (whole or streamed) and /v1/messages/count_tokens, in
// Anthropic's error shape. Claude Code and the Anthropic SDKs authenticate with x-api-key (or a Bearer
// token) carrying an op_ key; anthropic-version is accepted, anthropic-beta passed on to Anthropic routes.
import { newMessageId } from '../../core/ids';
import { generate, serveKeyed } from '../../core/lifecycle';
import { bearer, type Dialect } from '../dialect';
import type { HttpRequest } from '../../handlers/http';
import { respond } from '../respond';
import { encodeStream } from '../sse';
import { countTokens } from './count-tokens';
import { renderAnthropicError } from './error';
import { parseMessagesRequest } from './parse';
import { MessagesStreamEncoder, renderMessage } from './render';

function credential(req: HttpRequest): string | undefined {
  return req.headers['x-api-key']?.trim() || bearer(req.headers.authorization);
}

function betas(req: HttpRequest): string[] {
  return (req.headers['anthropic-beta'] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => /^[a-z0-9-]{1,64}$/.test(b))
    .slice(0, 32);
}

export const anthropicMessages: Dialect = {
  renderError: renderAnthropicError,
  endpoints: [
    {
      method: 'POST',
      path: /^\/v1\/messages$/,
      async serve(req, _params, ctx, deps) {
        const exchange = await generate(
          { dialect: 'anthropic-messages', credential: credential(req), parse: () => parseMessagesRequest(req.body, { beta: betas(req) }) },
          ctx,
          deps,
        );
        const id = (exchange.answerId = newMessageId());
        const thinking = exchange.request.reasoning !== undefined;
        return respond(exchange, anthropicMessages, {
          json: (result, served) => renderMessage(result, served, id, thinking),
          stream: (parts, served) => encodeStream(parts, new MessagesStreamEncoder(id, served.model.id, thinking)),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/messages\/count_tokens$/,
      async serve(req, _params, ctx, deps) {
        const { value, headers } = await serveKeyed(credential(req), ctx, deps, (auth) =>
          countTokens(parseMessagesRequest(req.body, { counting: true, beta: betas(req) }), auth, ctx, deps),
        );
        return { kind: 'json', status: 200, headers, body: value };
      },
    },
  ],
};
