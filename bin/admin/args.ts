// Turning command-line values into admin API fields. Malformed values are usage errors here; values that
// parse but are out of range go to the API, whose 400 names the field.
import { usageError } from './errors';

/** "2026-03-01", "2026-03-01T12:00:00Z" or Unix seconds -> Unix seconds. */
export function unixSeconds(value: string, flag: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw usageError(`${flag} must be an ISO 8601 date/time or Unix seconds, got '${value}'.`);
  return Math.floor(ms / 1000);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90", "90s", "15m", "2h", "1d" -> seconds. */
export function durationSeconds(value: string, flag: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw usageError(`${flag} must be a duration such as 0, 90s, 15m, 2h or 1d, got '${value}'.`);
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}

/** Repeated or comma-separated values, in order. */
export const list = (values: readonly string[] | undefined): string[] =>
  (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

/** "--custom-limit requests_per_minute=5000" / "=unlimited"; a non-numeric value is sent as given for the API to reject. */
export function customLimits(values: readonly string[]): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const entry of values) {
    const match = /^([a-z_]+)=(.+)$/.exec(entry.trim());
    if (!match) throw usageError(`--custom-limit takes name=value (e.g. requests_per_minute=5000 or tokens_per_month=unlimited), got '${entry}'.`);
    const [, name, raw] = match as unknown as [string, string, string];
    out[name] = raw === 'unlimited' || raw === 'null' ? null : /^\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}
