import { describe, expect, it } from 'vitest';
import { rfc3339, secondsUntil, utcDay, windowsAt } from '../../../lambda/core/limits/windows';

describe('rate-limit windows', () => {
  it('puts every instant of one UTC minute in the same window and the next instant in the next', () => {
    const start = Date.UTC(2026, 0, 15, 12, 34, 0);
    const a = windowsAt(start);
    expect(windowsAt(start + 59_999).minute).toBe(a.minute);
    expect(windowsAt(start + 60_000).minute).toBe(String(Number(a.minute) + 1));
    expect(windowsAt(start - 1).minute).toBe(String(Number(a.minute) - 1));
    expect(a.minuteResetsAt).toBe(start + 60_000);
  });

  it('uses calendar months in UTC, across the year end and leap days', () => {
    expect(windowsAt(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toMatchObject({ month: '2026-12', monthResetsAt: Date.UTC(2027, 0, 1) });
    expect(windowsAt(Date.UTC(2027, 0, 1)).month).toBe('2027-01');
    expect(windowsAt(Date.UTC(2028, 1, 29, 12)).monthResetsAt).toBe(Date.UTC(2028, 2, 1));
  });

  it('renders reset times as RFC 3339 UTC at whole seconds', () => {
    expect(rfc3339(Date.UTC(2026, 0, 15, 12, 35, 0))).toBe('2026-01-15T12:35:00Z');
    expect(rfc3339(Date.UTC(2026, 1, 1))).toBe('2026-02-01T00:00:00Z');
  });

  it('never tells a client to retry in less than a second', () => {
    expect(secondsUntil(1_000, 999)).toBe(1);
    expect(secondsUntil(60_000, 10_500)).toBe(50);
    expect(secondsUntil(0, 5_000)).toBe(1);
  });

  it('names the UTC day of an instant', () => {
    expect(utcDay(Date.UTC(2026, 0, 15, 23, 59, 59))).toBe('2026-01-15');
  });
});
