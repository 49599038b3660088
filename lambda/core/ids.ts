import { randomBase62 } from './keys';

/** Public ids: a type prefix and 16 base62 characters (95 bits), unguessable and URL-safe. */
export const newAccountId = () => `acct_${randomBase62(16)}`;
export const newKeyId = () => `key_${randomBase62(16)}`;
/** OpenAI's completion ids look like "chatcmpl-" + 29 characters. */
export const newCompletionId = () => `chatcmpl-${randomBase62(29)}`;
export const newRequestId = () => `req_${randomBase62(24)}`;
/** OpenAI Responses ids: "resp_" + 32 characters; the response's items carry the same 32 (see the dialect). */
export const newResponseId = () => `resp_${randomBase62(32)}`;
/** Anthropic message ids look like "msg_" + 24 characters. */
export const newMessageId = () => `msg_${randomBase62(24)}`;
