// The dashboard API's objects as the page reads them (the shapes of lambda/core/admin/views.ts and
// lambda/core/dashboard/service.ts).
export interface KeyView {
  id: string;
  label: string;
  hint: string;
  status: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  ip_allowlist: string[];
  allowed_models: string[] | null;
  budget: { limit_usd: number; period: string } | null;
  replaced_by: string | null;
  /** With a budget: settled spend in its current period. */
  budget_spent_usd?: number | null;
  secret?: string;
}

export interface Me {
  user: { email: string; role: 'owner' | 'member' };
  account: {
    id: string;
    name: string;
    plan: string;
    limits: Record<string, number | null>;
    key_quota: number | null;
    active_keys: number;
    ip_allowlists: boolean;
    budget: { limit_usd: number; period: string } | null;
    allowed_models: string[] | null;
  };
  spend_this_month_usd: number;
  budget_spent_usd: number | null;
  tokens_this_month: number;
  gateway_base_url: string;
  first_key?: KeyView | null;
}
