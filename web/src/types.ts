// The dashboard API's objects as the page reads them, derived from the code that builds them (type-only:
// nothing of the gateway is bundled into the page).
import type { me } from '../../lambda/core/dashboard/service';
import type { EventWire, KeyWire } from '../../lambda/core/admin/wire-types';
import type { BudgetPeriod } from '../../lambda/core/limits/budget';

export type { BudgetPeriod };
export type BudgetEvent = EventWire;

export type KeyView = KeyWire;

/** The overview; the first sign-in's answer also carries the new account's first key, shown once. */
export type Me = Awaited<ReturnType<typeof me>> & { first_key?: KeyView | null };
