// The dashboard's operations for a signed-in user, scoped to the one account the user belongs to and to
// the user's role. Keys, usage and the catalog go through the same services as the admin API (one copy of
// their rules); what is added here is who may ask: a key of another account is simply not found (404, no
// hint that it exists), an owner-only operation asked by a member is a 403.
import { AuthenticationError, BadRequestError, NotFoundError, PermissionDeniedError } from '../../wire/errors';
import { newAccountId } from '../ids';
import { newKey } from '../accounts';
import type { AdminContext } from '../admin/context';
import { requireKey } from '../admin/context';
import { fail, jsonObject, oneOf, onlyKnown, text } from '../admin/fields';
import * as accounts from '../admin/account-service';
import * as keys from '../admin/key-service';
import { parseAccountPatch, parseKeyInput, parseKeyPatch, parseRotateInput } from '../admin/validation';
import { accountView, keyView } from '../admin/views';
import { liveKeys } from '../admin/policy';
import { accountUsage, parseUsageQuery } from '../usage/report';
import type { AccountRecord } from '../records';
import { accountSpendUsd, keySpendUsd } from '../limits/spend';
import { ROLES, type Member, type Role } from './members';

/** A user Cognito vouched for: the verified token's subject and e-mail. */
export interface DashboardUser {
  sub: string;
  email: string;
}

export interface DashboardContext extends AdminContext {
  user: DashboardUser;
  /** The /v1 base URL the user's keys are for (quickstart snippets). */
  gatewayBaseUrl: string;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const DAY_MS = 86_400_000;
const ACTIVITY_DAYS = 30;

async function membership(ctx: DashboardContext): Promise<Member> {
  const member = await ctx.store.members.getMember(ctx.user.sub);
  if (!member) throw new NotFoundError('You have no account yet: finish signing up first (POST /dashboard/api/onboard).', { code: 'not_onboarded' });
  return member;
}

function requireRole(member: Member, role: Role): void {
  if (role === 'owner' && member.role !== 'owner') throw new PermissionDeniedError("Only the account's owners may do this.", { code: 'owner_only' });
}

async function account(ctx: DashboardContext, member: Member): Promise<AccountRecord> {
  const a = await ctx.store.keys.getAccount(member.accountId);
  if (!a) throw new NotFoundError('Your account no longer exists.', { code: 'account_not_found' });
  return a;
}

/** A key of the caller's account, or 404 as if it did not exist. */
async function ownKey(ctx: DashboardContext, member: Member, keyId: string) {
  const key = await requireKey(ctx, keyId).catch(() => undefined);
  if (!key || key.accountId !== member.accountId) throw new NotFoundError(`No API key with id '${keyId.slice(0, 64)}'.`, { code: 'key_not_found' });
  return key;
}

/**
 * The first sign-in after verification: joins the account an invitation names, or creates an account on the
 * free plan with the user as its owner and its first key, whose secret this answer shows once.
 */
export async function onboard(ctx: DashboardContext) {
  const existing = await ctx.store.members.getMember(ctx.user.sub);
  if (existing) return { ...(await me(ctx)), first_key: null };
  const at = new Date(ctx.clock.now()).toISOString();
  const invitation = await ctx.store.members.getInvitation(ctx.user.email);
  if (invitation && (await ctx.store.members.takeInvitation(invitation.email))) {
    await ctx.store.members.addMember({ sub: ctx.user.sub, email: ctx.user.email, accountId: invitation.accountId, role: invitation.role, joinedAt: at });
    return { ...(await me(ctx)), first_key: null };
  }
  const accountId = newAccountId();
  // Membership first: of two sign-ins racing, one creates the account and the other finds it.
  if (!(await ctx.store.members.addMember({ sub: ctx.user.sub, email: ctx.user.email, accountId, role: 'owner', joinedAt: at }))) return { ...(await me(ctx)), first_key: null };
  const record: AccountRecord = { accountId, name: ctx.user.email, plan: 'free', createdAt: at };
  await ctx.store.keys.putAccount(record);
  const { secret, record: key } = newKey(accountId, { label: 'first key' }, ctx.clock);
  await ctx.store.audit.append({ at, actor: ctx.actor, action: 'account.create', accountId, fields: ['name', 'plan'] });
  await ctx.store.audit.append({ at, actor: ctx.actor, action: 'key.create', accountId, keyId: key.keyId, fields: ['label'] });
  await ctx.store.keys.putKey(key);
  return { ...(await me(ctx)), first_key: { ...keyView(key, ctx.clock.now()), secret } };
}

/** The overview: who, which account and plan, the keys against the quota, this month's spend, the base URL. */
export async function me(ctx: DashboardContext) {
  const member = await membership(ctx);
  const a = await account(ctx, member);
  const all = await ctx.store.keys.listKeys(a.accountId);
  const now = ctx.clock.now();
  const month = await accountUsage(ctx, a.accountId, parseUsageQuery({}, now));
  const spent = await accountSpendUsd(ctx.store, a, now);
  return {
    object: 'dashboard.me' as const,
    user: { email: member.email, role: member.role },
    account: { ...accountView(a), active_keys: liveKeys(all, now).length },
    spend_this_month_usd: month.total.cost_usd,
    /** With an account budget: settled spend in its current period. */
    budget_spent_usd: spent,
    tokens_this_month: month.total.total_tokens,
    gateway_base_url: ctx.gatewayBaseUrl,
  };
}

/** The keys, each with what it has spent against its budget in the current period (settled costs). */
export async function listKeys(ctx: DashboardContext) {
  const member = await membership(ctx);
  const a = await account(ctx, member);
  const list = await keys.listKeys(ctx, member.accountId);
  const now = ctx.clock.now();
  const data = await Promise.all(
    list.data.map(async (view) => {
      const budget = view.budget ? { limitUsd: view.budget.limit_usd, period: view.budget.period } : undefined;
      return { ...view, budget_spent_usd: await keySpendUsd(ctx.store, a, { keyId: view.id, ...(budget ? { budget } : {}) }, now) };
    }),
  );
  return { ...list, data };
}

export async function createKey(ctx: DashboardContext, body: string | undefined) {
  const member = await membership(ctx);
  return keys.createKey(ctx, member.accountId, parseKeyInput(body, ctx.clock.now(), ctx.catalog));
}

export async function updateKey(ctx: DashboardContext, keyId: string, body: string | undefined) {
  const member = await membership(ctx);
  const patch = parseKeyPatch(body, ctx.clock.now(), ctx.catalog);
  await ownKey(ctx, member, keyId);
  return keys.updateKey(ctx, keyId, patch);
}

export async function rotateKey(ctx: DashboardContext, keyId: string, body: string | undefined) {
  const member = await membership(ctx);
  const input = parseRotateInput(body, ctx.clock.now());
  await ownKey(ctx, member, keyId);
  return keys.rotateKey(ctx, keyId, input);
}

export async function revokeKey(ctx: DashboardContext, keyId: string) {
  const member = await membership(ctx);
  await ownKey(ctx, member, keyId);
  return keys.revokeKey(ctx, keyId);
}

export async function usage(ctx: DashboardContext, query: Record<string, string>) {
  const member = await membership(ctx);
  return accountUsage(ctx, member.accountId, parseUsageQuery(query, ctx.clock.now()));
}

/** The account's most recent requests (last 30 days), newest first, filtered, `limit` per page from `offset`. */
export async function activity(ctx: DashboardContext, query: Record<string, string>) {
  const member = await membership(ctx);
  onlyKnown(query, ['limit', 'offset', 'key', 'model', 'status']);
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) fail(`'limit' must be an integer from 1 to 200.`, 'limit');
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000) fail(`'offset' must be a non-negative integer.`, 'offset');
  const now = ctx.clock.now();
  const records = await ctx.store.usage.records(member.accountId, new Date(now - ACTIVITY_DAYS * DAY_MS).toISOString(), new Date(now + DAY_MS).toISOString());
  const matching = records
    .filter((r) => (!query.key || r.keyId === query.key) && (!query.model || r.modelUsed === query.model || r.requestedModel === query.model) && (!query.status || r.status === query.status))
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  return { object: 'list' as const, data: matching.slice(offset, offset + limit), has_more: matching.length > offset + limit, total: matching.length };
}

/** The account's budget events (50, 80 and 100% of a key's or the account's budget), newest first. */
export async function events(ctx: DashboardContext) {
  const member = await membership(ctx);
  return accounts.listEvents(ctx, member.accountId);
}

/** An owner sets the account's own budget and model allowlist (its name too); plan and limits stay the operator's. */
export async function updateAccount(ctx: DashboardContext, body: string | undefined) {
  const member = await membership(ctx);
  requireRole(member, 'owner');
  const b = jsonObject(body);
  onlyKnown(b, ['name', 'budget', 'allowed_models']);
  const patch = parseAccountPatch(JSON.stringify(b), ctx.catalog);
  return accounts.updateAccount(ctx, member.accountId, patch);
}

export async function listMembers(ctx: DashboardContext) {
  const member = await membership(ctx);
  requireRole(member, 'owner');
  const [members, invitations] = await Promise.all([ctx.store.members.listMembers(member.accountId), ctx.store.members.listInvitations(member.accountId)]);
  return {
    object: 'list' as const,
    data: members.map((m) => ({ sub: m.sub, email: m.email, role: m.role, joined_at: Math.floor(Date.parse(m.joinedAt) / 1000) })),
    invitations: invitations.map((i) => ({ email: i.email, role: i.role, invited_at: Math.floor(Date.parse(i.at) / 1000) })),
  };
}

export async function invite(ctx: DashboardContext, body: string | undefined) {
  const member = await membership(ctx);
  requireRole(member, 'owner');
  const b = jsonObject(body);
  onlyKnown(b, ['email', 'role']);
  if (b.email === undefined) fail(`Missing required parameter: 'email'.`, 'email', 'missing_parameter');
  const email = text(b.email, 'email', 3, 320).toLowerCase();
  if (!EMAIL.test(email)) fail(`'email' is not an e-mail address.`, 'email');
  const role = b.role === undefined ? 'member' : oneOf(b.role, 'role', ROLES);
  const taken = await ctx.store.members.getInvitation(email);
  if (taken && taken.accountId !== member.accountId) throw new BadRequestError(`'${email}' is already invited to another account.`, { param: 'email', code: 'invalid_value' });
  await ctx.store.members.putInvitation({ email, accountId: member.accountId, role, invitedBy: ctx.user.email, at: new Date(ctx.clock.now()).toISOString() });
  return { object: 'invitation' as const, email, role };
}

export async function removeMember(ctx: DashboardContext, sub: string) {
  const member = await membership(ctx);
  requireRole(member, 'owner');
  const target = await ctx.store.members.getMember(sub);
  if (!target || target.accountId !== member.accountId) throw new NotFoundError(`No member '${sub.slice(0, 64)}' in your account.`, { code: 'member_not_found' });
  if (target.sub === member.sub) throw new BadRequestError('You cannot remove yourself; another owner can.', { code: 'invalid_value' });
  await ctx.store.members.removeMember(sub);
  return { object: 'member.removed' as const, sub, removed: true };
}

/** A missing or unverifiable token. */
export const notSignedIn = () => new AuthenticationError('Sign in first: this needs a valid dashboard session (a Cognito ID token).', { code: 'not_signed_in' });
