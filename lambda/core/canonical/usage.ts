// Canonical usage: what every provider reports, in one shape. Invariants: `inputTokens` counts every prompt
// token, cached or not (cacheReadTokens and cacheWriteTokens are parts of it); `outputTokens` counts every
// generated token, reasoning included (reasoningTokens is part of it). Each dialect renders these in its own
// usage shape (Anthropic's input_tokens, for one, excludes the cache tokens).

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

export function usage(parts: Partial<Usage>): Usage {
  const u = { ...NO_USAGE, ...parts };
  // Providers report parts separately; the invariants hold even for a report that is off by itself.
  u.cacheReadTokens = Math.min(u.cacheReadTokens, u.inputTokens);
  u.cacheWriteTokens = Math.min(u.cacheWriteTokens, u.inputTokens - u.cacheReadTokens);
  u.reasoningTokens = Math.min(u.reasoningTokens, u.outputTokens);
  return u;
}

export const totalTokens = (u: Usage): number => u.inputTokens + u.outputTokens;

/** Input tokens billed at the plain input price: neither read from nor written to a cache. */
export const uncachedInputTokens = (u: Usage): number => u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens;
