// Conversation rules every provider gets alike, applied once before routing, so a conversation is answered
// the same whichever model serves it (Anthropic, Gemini and Bedrock refuse what OpenAI accepts).
import { BadRequestError } from '../../wire/errors';
import type { Message } from './content';

/** Text with nothing to read: Anthropic and Bedrock refuse blank text blocks, Gemini empty parts. */
const blank = (p: { type: string; text?: string }) => p.type === 'text' && (p.text ?? '').trim() === '';

/**
 * Blank text parts are dropped, then messages left with no content. A conversation of system messages only
 * becomes one user turn (Anthropic, Gemini and Bedrock need one; OpenAI's models read it the same). A
 * conversation with nothing in it at all is refused before any upstream call.
 */
export function prepareConversation(messages: readonly Message[]): Message[] {
  const kept = messages.flatMap((m): Message[] => {
    const content = (m.content as ReadonlyArray<{ type: string; text?: string }>).filter((p) => !blank(p));
    return content.length ? [{ ...m, content } as Message] : [];
  });
  if (!kept.length) {
    throw new BadRequestError('Every message is empty: at least one message needs text or other content.', { param: 'messages', code: 'empty_conversation' });
  }
  if (kept.some((m) => m.role !== 'system')) return kept;
  return [{ role: 'user', content: kept.flatMap((m) => (m.role === 'system' ? m.content : [])) }];
}
