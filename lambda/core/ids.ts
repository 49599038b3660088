import { randomBase62 } from './keys';

/** Public ids: a type prefix and 16 base62 characters (95 bits), unguessable and URL-safe. */
export const newAccountId = () => `acct_${randomBase62(16)}`;
export const newKeyId = () => `key_${randomBase62(16)}`;
/** OpenAI's completion ids look like "chatcmpl-" + 29 characters. */
export const newCompletionId = () => `chatcmpl-${randomBase62(29)}`;
export const newRequestId = () => `req_${randomBase62(24)}`;
