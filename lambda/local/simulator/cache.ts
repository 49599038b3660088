// The simulator's prompt cache, per provider instance, as the providers' caches behave: a prompt prefix is
// cached once it has been sent, and a later prompt that starts with it reads it from the cache. Explicit
// caches (Anthropic's cache_control, Bedrock's cachePoint) cache the prefix up to the last breakpoint;
// implicit ones (OpenAI, Gemini, DeepSeek) the prompt without its last message. Prefixes shorter than the
// providers' minimum (1,024 tokens) are never cached.
import { countTokens } from './answer';

export const MIN_CACHED_TOKENS = 1024;

export class PromptCache {
  private readonly seen = new Set<string>();

  /**
   * How many prefix tokens were read from the cache and how many written to it. Implicit caches write
   * without saying so (and without charging for it): only explicit ones report writes.
   */
  use(prefix: string | undefined, explicit: boolean): { read: number; write: number } {
    if (!prefix) return { read: 0, write: 0 };
    const tokens = countTokens(prefix);
    if (tokens < MIN_CACHED_TOKENS) return { read: 0, write: 0 };
    if (this.seen.has(prefix)) return { read: tokens, write: 0 };
    this.seen.add(prefix);
    return { read: 0, write: explicit ? tokens : 0 };
  }

  clear(): void {
    this.seen.clear();
  }
}

/** The implicit-cache prefix: every message but the last, joined. */
export function implicitPrefix(messages: ReadonlyArray<{ text: string }>): string | undefined {
  return messages.length > 1 ? messages.slice(0, -1).map((m) => m.text).join('\n') : undefined;
}
