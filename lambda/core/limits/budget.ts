// USD budgets on a key and on an account, as pure functions: the period a request falls in, and the most
// a request can cost, which admission reserves so that no interleaving of concurrent requests can settle
// more than the budget.
//
// Periods are calendar-aligned in UTC: a day, a week starting Monday, a month, or the key's whole life
// ("total"). A period is counted in a ring of two slots like the month window (store/counter-item.ts),
// tagged with the period's id; ids of different period kinds never coincide, so changing a budget's period
// starts it afresh.
//
// Costs are integers in nano-USD (the unit of usage records), so sums stay exact.
import type { CanonicalRequest } from '../canonical/request';
import type { ModelSpec } from '../catalog';
import type { Limits } from '../plans';
import { outputCap } from './policy';

export type BudgetPeriod = 'day' | 'week' | 'month' | 'total';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month', 'total'];

export interface Budget {
  limitUsd: number;
  period: BudgetPeriod;
}

/** Which budget a figure belongs to: the key's own or its account's (shared by all its keys). */
export type BudgetScope = 'key' | 'account';

export interface BudgetWindow {
  /** The period's tag in the counter item: unique across period kinds. */
  tag: number;
  /** Consecutive periods alternate between the ring's two slots. */
  slot: number;
  /** When the period ends (epoch ms); undefined for "total". */
  resetsAt?: number;
  /** What the period is called in messages and events ("2026-12-01", "week of 2026-11-30", "2026-12", "total"). */
  label: string;
}

const DAY_MS = 86_400_000;
const KIND_OFFSET: Readonly<Record<BudgetPeriod, number>> = { total: 0, day: 1_000_000, week: 2_000_000, month: 3_000_000 };
export const NANO_PER_USD = 1e9;

export const toNano = (usd: number) => Math.round(usd * NANO_PER_USD);
export const toUsd = (nano: number) => nano / NANO_PER_USD;

export function budgetWindow(period: BudgetPeriod, now: number): BudgetWindow {
  const day = Math.floor(now / DAY_MS);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  switch (period) {
    case 'total':
      return { tag: KIND_OFFSET.total, slot: 0, label: 'total' };
    case 'day':
      return { tag: KIND_OFFSET.day + day, slot: day % 2, resetsAt: (day + 1) * DAY_MS, label: iso(day * DAY_MS) };
    case 'week': {
      // 1970-01-01 was a Thursday: shifting by 3 days puts every Monday at a multiple of 7.
      const week = Math.floor((day + 3) / 7);
      const monday = (week * 7 - 3) * DAY_MS;
      return { tag: KIND_OFFSET.week + week, slot: week % 2, resetsAt: monday + 7 * DAY_MS, label: `week of ${iso(monday)}` };
    }
    case 'month': {
      const d = new Date(now);
      const index = d.getUTCFullYear() * 12 + d.getUTCMonth();
      return { tag: KIND_OFFSET.month + index, slot: index % 2, resetsAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1), label: iso(now).slice(0, 7) };
    }
  }
}

/** The most an image is billed as (the providers' largest tiling of one image, with margin). */
const IMAGE_TOKENS_MAX = 8_192;
/** The most a document is billed as: the providers' page caps (100 to 1,000 pages) times their tokens per page. */
const DOCUMENT_TOKENS_MAX = 300_000;
const MESSAGE_OVERHEAD_TOKENS = 16;

/**
 * A bound on the prompt's tokens that no tokenizer exceeds: every token covers at least one byte of UTF-8,
 * so text, tool calls and results, tool definitions and schemas count their bytes; images and documents
 * count the most their providers bill for one. Far above the estimate the token limits use, on purpose: a
 * budget must hold exactly.
 */
export function promptTokensBound(request: CanonicalRequest): number {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  let total = MESSAGE_OVERHEAD_TOKENS;
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD_TOKENS;
    for (const part of message.content) {
      if (part.type === 'image') total += IMAGE_TOKENS_MAX;
      else if (part.type === 'document') total += DOCUMENT_TOKENS_MAX;
      else if (part.type === 'tool-result') {
        for (const inner of part.content) total += inner.type === 'image' ? IMAGE_TOKENS_MAX : bytes(inner.text) + MESSAGE_OVERHEAD_TOKENS;
        total += bytes(part.callId) + MESSAGE_OVERHEAD_TOKENS;
      } else total += bytes(JSON.stringify(part));
    }
  }
  if (request.tools?.length) total += bytes(JSON.stringify(request.tools));
  if (request.output?.type === 'json_schema') total += bytes(JSON.stringify(request.output.schema));
  return total;
}

/**
 * The most the request can cost on any model it may be served by (fallbacks included): the prompt bound at
 * the model's dearest input price (a cache write can cost more than plain input) plus its output cap at the
 * output price. Reasoning tokens are output tokens within the cap.
 */
export function worstCaseNano(request: CanonicalRequest, models: readonly ModelSpec[], limits: Limits): number {
  const prompt = promptTokensBound(request);
  let worst = 0;
  for (const m of models) {
    const p = m.pricing;
    const cost = prompt * Math.max(p.inputPer1M, p.cacheWritePer1M, p.cachedInputPer1M) + outputCap(request, m, limits) * p.outputPer1M;
    worst = Math.max(worst, cost);
  }
  // USD per 1M tokens is nano-USD per 1,000 tokens; rounded up, never down.
  return Math.ceil(worst * 1_000);
}
