// Rate-limit windows, as pure functions of a clock reading. Every instance derives the same window ids from
// the same instant, so counters in DynamoDB line up across Lambda instances without coordination.
// Minute windows are fixed (not sliding): id = floor(epochMs / 60 000). Month windows are calendar months
// in UTC: id = "YYYY-MM".

const MINUTE_MS = 60_000;

export interface Windows {
  /** floor(epochMs / 60 000), as a string for item keys. */
  minute: string;
  /** "YYYY-MM", UTC. */
  month: string;
  /** When the minute window ends (epoch ms): the requests and tokens per minute reset then. */
  minuteResetsAt: number;
  /** When the month window ends (epoch ms, the first instant of the next UTC month). */
  monthResetsAt: number;
}

export function windowsAt(epochMs: number): Windows {
  const minute = Math.floor(epochMs / MINUTE_MS);
  const d = new Date(epochMs);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  return {
    minute: String(minute),
    month: `${year}-${String(month + 1).padStart(2, '0')}`,
    minuteResetsAt: (minute + 1) * MINUTE_MS,
    monthResetsAt: Date.UTC(year, month + 1, 1),
  };
}

/** The month id `count` months before `month` ("2026-01", 2 -> "2025-11"). */
export function monthBefore(month: string, count: number): string {
  const d = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 - count, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The last few instants formatted: every answer states the same two window edges until they pass. */
const formatted = new Map<number, string>();

/** RFC 3339 in UTC at whole seconds ("2026-01-15T12:01:00Z"); window edges fall on whole seconds. */
export function rfc3339(epochMs: number): string {
  const second = Math.ceil(epochMs / 1000);
  let text = formatted.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    if (formatted.size >= 8) formatted.delete(formatted.keys().next().value as number);
    formatted.set(second, text);
  }
  return text;
}

/** Whole seconds from now until `epochMs`, at least 1: what Retry-After says. */
export function secondsUntil(epochMs: number, now: number): number {
  return Math.max(1, Math.ceil((epochMs - now) / 1000));
}

/** "YYYY-MM-DD" of an instant, UTC: the day usage aggregates are kept under. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * Leases are counted per epoch of half a lease's length: a live request moves its lease into each new epoch
 * within a third of it, so a lease still in the epoch before last has a holder that stopped renewing it,
 * and is reclaimed between half a lease and a whole lease after its last renewal.
 */
export const leaseEpochMs = (leaseMs: number) => Math.floor(leaseMs / 2);

export function leaseEpochAt(epochMs: number, leaseMs: number): number {
  return Math.floor(epochMs / leaseEpochMs(leaseMs));
}
