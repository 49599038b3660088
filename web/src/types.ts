// The dashboard API's objects as the page reads them, derived from the code that builds them (type-only:
// nothing of the gateway is bundled into the page).
import type { activity, listMembers, me } from '../../lambda/core/dashboard/service';
import type { listModels } from '../../lambda/dialects/openai-chat/models';
import type { EventWire, KeyWire } from '../../lambda/core/admin/wire-types';
import type { BudgetPeriod } from '../../lambda/core/limits/budget';
import type { accountUsage } from '../../lambda/core/usage/report';

export type { BudgetPeriod };
export type BudgetEvent = EventWire;

export type KeyView = KeyWire;

export type { UsageRowView } from '../../lambda/core/usage/report';
export type UsageReport = Awaited<ReturnType<typeof accountUsage>>;

/** The overview; the first sign-in's answer also carries the new account's first key, shown once. */
export type Me = Awaited<ReturnType<typeof me>> & { first_key?: KeyView | null };

type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

export type ActivityRecord = Answer<typeof activity>['data'][number];
export type Members = Answer<typeof listMembers>;
export type ModelView = Answer<typeof listModels>['data'][number];
