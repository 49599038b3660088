// Conversation-level rules the dialects share once their own fields are parsed.
import type { Message } from '../core/canonical/content';

/**
 * A conversation of system messages only is answered on every model alike: Anthropic, Gemini and Bedrock
 * need a user turn, so the instructions become one (OpenAI's models read them the same either way).
 */
export function ensureTurn(messages: Message[]): Message[] {
  if (messages.some((m) => m.role !== 'system')) return messages;
  const content = messages.flatMap((m) => (m.role === 'system' ? m.content : []));
  return content.length ? [{ role: 'user', content }] : messages;
}

/** Consecutive tool results become one tool message (how the canonical model keeps parallel results). */
export function pushMessage(out: Message[], m: Message): void {
  const last = out[out.length - 1];
  if (m.role === 'tool' && last?.role === 'tool') last.content.push(...m.content);
  else out.push(m);
}
