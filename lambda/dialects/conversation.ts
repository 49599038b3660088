// Conversation-level rules the dialects share once their own fields are parsed.
import type { Message } from '../core/canonical/content';

/** Consecutive tool results become one tool message (how the canonical model keeps parallel results). */
export function pushMessage(out: Message[], m: Message): void {
  const last = out[out.length - 1];
  if (m.role === 'tool' && last?.role === 'tool') last.content.push(...m.content);
  else out.push(m);
}
