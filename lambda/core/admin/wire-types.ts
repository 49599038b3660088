// The admin API's objects as its clients (the CLI, the dashboard's page) read them, derived from the code
// that builds them so that no client keeps a copy that can drift from what the API answers.
import type { listEvents } from './account-service';
import type { AccountView, KeyView } from './views';

/** An account; showing one adds its active keys and spend, updating one the warnings the change raised. */
export type AccountWire = AccountView & { active_keys?: number; budget_spent_usd?: number | null; warnings?: string[] };

/** A key; shown alone or listed for the dashboard it carries its spend, and only the answer that created it the secret. */
export type KeyWire = KeyView & { budget_spent_usd?: number | null; secret?: string };

export type EventWire = Awaited<ReturnType<typeof listEvents>>['data'][number];

export type BudgetWire = NonNullable<KeyView['budget']>;

export interface ListWire<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor?: string | null;
}
