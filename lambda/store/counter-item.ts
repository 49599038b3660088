// The layout of one key shard's counter item and the conditional updates on it. Constant size, whatever the
// concurrency or the load: every window lives in a fixed ring of slots tagged with the window they hold.
//
//   a                   live and dead leases held (dead ones until reclaimed)
//   le0..le3, lc0..lc3  lease slots: slot e % 4 counts the leases last renewed in lease epoch e (tag le)
//   mw0/mr0/mt0, mw1..  minute slots: slot m % 2 holds minute m's requests and tokens
//   ow0/ot0, ow1/ot1    month slots: slot (12 * year + month) % 2 holds that month's tokens (tag YYYYMM)
//   bw0/bs0/bc0, bw1..  budget slots (only with a budget): period tag, nano-USD spent (settled costs plus
//                       running requests' reservations) and nano-USD settled (core/limits/budget.ts)
//   n                   settlements so far: the position of the record `u` in this item's stream
//   u                   the last settled request's usage record (JSON); every other write removes it, so a
//                       stream image carries a record exactly when a settlement wrote it
//   ttl                 epoch seconds, pushed past the last window and lease by every write
//
// Invariants: `a` equals the sum of the lease slots' counts. A live lease is always in the current epoch's
// slot or the one before (renewals move it within a third of an epoch); a slot tagged two epochs back or
// earlier holds only leases whose holder died, and is reclaimed (its count subtracted from `a`, the slot
// emptied) by the next write that reuses or meets it; a release or renewal into an epoch whose slot no
// longer carries that epoch's tag has no lease to give back. A slot is reused for a new window only by a write that saw its old tag and
// count, so nothing it held is lost unaccounted.
import type { Charge, CounterValues, Current, ShardCharge, ShardSettlement } from '../core/limits/port';
import type { LimitName } from '../core/limits/policy';
import { marshall, type AttributeValue } from './dynamo-http';

export const LEASE_SLOTS = 4;
const MINUTE_SLOTS = 2;
const MONTH_SLOTS = 2;
const BUDGET_SLOTS = 2;

interface LeaseSlot {
  epoch: number;
  count: number;
}
interface MinuteSlot {
  window: number;
  requests: number;
  tokens: number;
}
interface MonthSlot {
  window: number;
  tokens: number;
}
interface BudgetSlot {
  window: number;
  spent: number;
  settled: number;
}

/** The item as last seen; absent slots are undefined. */
export interface Image {
  active: number;
  leases: Array<LeaseSlot | undefined>;
  minutes: Array<MinuteSlot | undefined>;
  months: Array<MonthSlot | undefined>;
  budgets: Array<BudgetSlot | undefined>;
}

type Raw = Record<string, Record<string, unknown>>;

const num = (raw: Raw, name: string): number | undefined => (typeof raw[name]?.N === 'string' ? Number(raw[name].N) : undefined);

/** The attribute names of each slot, made once: an image is read from every answer. */
const slotNames = (count: number, ...prefixes: string[]) => Array.from({ length: count }, (_, s) => prefixes.map((p) => `${p}${s}`));
const LEASE_NAMES = slotNames(LEASE_SLOTS, 'le', 'lc');
const MINUTE_NAMES = slotNames(MINUTE_SLOTS, 'mw', 'mr', 'mt');
const MONTH_NAMES = slotNames(MONTH_SLOTS, 'ow', 'ot');
const BUDGET_NAMES = slotNames(BUDGET_SLOTS, 'bw', 'bs', 'bc');

export function imageOf(raw: Raw | undefined): Image {
  const r = raw ?? {};
  const leases = LEASE_NAMES.map(([epochName, countName]) => {
    const epoch = num(r, epochName!);
    return epoch === undefined ? undefined : { epoch, count: num(r, countName!) ?? 0 };
  });
  const minutes = MINUTE_NAMES.map(([windowName, requestsName, tokensName]) => {
    const window = num(r, windowName!);
    return window === undefined ? undefined : { window, requests: num(r, requestsName!) ?? 0, tokens: num(r, tokensName!) ?? 0 };
  });
  const months = MONTH_NAMES.map(([windowName, tokensName]) => {
    const window = num(r, windowName!);
    return window === undefined ? undefined : { window, tokens: num(r, tokensName!) ?? 0 };
  });
  const budgets = BUDGET_NAMES.map(([windowName, spentName, settledName]) => {
    const window = num(r, windowName!);
    return window === undefined ? undefined : { window, spent: num(r, spentName!) ?? 0, settled: num(r, settledName!) ?? 0 };
  });
  return { active: num(r, 'a') ?? 0, leases, minutes, months, budgets };
}

/** "YYYY-MM" as the number YYYYMM, and the month's slot. */
export const monthNumber = (month: string) => Number(month.slice(0, 4)) * 100 + Number(month.slice(5, 7));
const monthSlot = (month: string) => (Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1) % MONTH_SLOTS;
const leaseSlot = (epoch: number) => epoch % LEASE_SLOTS;
const minuteSlot = (minute: number) => minute % MINUTE_SLOTS;

/** Lease slots whose leases are all dead at `epoch`: tagged two epochs back or earlier, count above 0. */
function deadSlots(image: Image, epoch: number): number[] {
  return image.leases.flatMap((l, s) => (l && l.epoch <= epoch - 2 && l.count > 0 ? [s] : []));
}

/** The values that count now: dead leases and windows other than the current ones read as 0. */
export function valuesOf(image: Image, now: Current): CounterValues {
  const minute = image.minutes[minuteSlot(now.minute)];
  const month = image.months[monthSlot(now.month)];
  const dead = deadSlots(image, now.epoch).reduce((sum, s) => sum + image.leases[s]!.count, 0);
  const budget = now.budget ? image.budgets[now.budget.slot] : undefined;
  const inPeriod = budget !== undefined && budget.window === now.budget?.tag;
  return {
    requestsMinute: minute?.window === now.minute ? minute.requests : 0,
    tokensMinute: minute?.window === now.minute ? minute.tokens : 0,
    tokensMonth: month?.window === monthNumber(now.month) ? month.tokens : 0,
    active: image.active - dead,
    ...(now.budget ? { budgetSpent: inPeriod ? budget.spent : 0, budgetSettled: inPeriod ? budget.settled : 0 } : {}),
  };
}

/** Which limit has no room for this charge, read from the item as it is; undefined when all have room. */
export function refusal(image: Image, charge: ShardCharge, now: Current): LimitName | 'budget' | undefined {
  const v = valuesOf(image, now);
  const over = (used: number, c: Charge | undefined) => c !== undefined && used > c.ceiling;
  if (over(v.requestsMinute, charge.minute.requests)) return 'requestsPerMinute';
  if (over(v.tokensMinute, charge.minute.tokens)) return 'tokensPerMinute';
  if (charge.lease && v.active >= charge.lease.limit) return 'concurrentRequests';
  if (over(v.tokensMonth, charge.month.tokens)) return 'tokensPerMonth';
  if (over(v.budgetSpent ?? 0, charge.budget?.spend)) return 'budget';
  return undefined;
}

/** An update expression under construction. */
export class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  readonly set: string[] = [];
  readonly add: string[] = [];
  readonly remove: string[] = [];
  readonly conditions: string[] = [];
  private n = 0;

  /** A placeholder for a value. */
  v(value: string | number): string {
    const p = `:v${this.n++}`;
    this.values[p] = marshall(value);
    return p;
  }

  /** A placeholder for an attribute name. */
  a(name: string): string {
    const p = `#${name}`;
    this.names[p] = name;
    return p;
  }

  input(): Record<string, unknown> {
    const update = [
      this.set.length ? `SET ${this.set.join(', ')}` : '',
      this.add.length ? `ADD ${this.add.join(', ')}` : '',
      this.remove.length ? `REMOVE ${this.remove.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return {
      UpdateExpression: update,
      ...(this.conditions.length ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** The condition that an attribute is absent or holds `value`: the slot is as the plan saw it. */
function is(e: Expr, name: string, value: number | undefined): string {
  return value === undefined ? `attribute_not_exists(${e.a(name)})` : `${e.a(name)} = ${e.v(value)}`;
}

/**
 * Puts `amount` leases into the current epoch's slot. Reused for a new epoch, the slot's old leases (all
 * dead) are reclaimed; so are those of any other dead slot the image shows. Returns how many leases the
 * update reclaims, which `a` is corrected by and the concurrency condition allows for.
 */
function leaseInto(e: Expr, image: Image | undefined, epoch: number, amount: number): number {
  const s = leaseSlot(epoch);
  const slot = image?.leases[s];
  let reclaimed = 0;
  if (!image || slot?.epoch === epoch) {
    e.add.push(`${e.a(`lc${s}`)} ${e.v(amount)}`);
    e.conditions.push(`${e.a(`le${s}`)} = ${e.v(epoch)}`);
  } else {
    e.set.push(`${e.a(`le${s}`)} = ${e.v(epoch)}`, `${e.a(`lc${s}`)} = ${e.v(amount)}`);
    e.conditions.push(is(e, `le${s}`, slot?.epoch));
    if (slot) {
      e.conditions.push(`${e.a(`lc${s}`)} = ${e.v(slot.count)}`);
      reclaimed += slot.count;
    }
  }
  for (const d of image ? deadSlots(image, epoch) : []) {
    if (d === s) continue;
    const dead = image!.leases[d]!;
    // The tag goes too: a late release or renewal for that epoch then finds no lease to give back.
    e.remove.push(e.a(`le${d}`), e.a(`lc${d}`));
    e.conditions.push(`${e.a(`le${d}`)} = ${e.v(dead.epoch)}`, `${e.a(`lc${d}`)} = ${e.v(dead.count)}`);
    reclaimed += dead.count;
  }
  return reclaimed;
}

/** Adds to the current window of a ring of slots, or starts the window in its slot. */
function windowInto(
  e: Expr,
  tag: string,
  slot: number,
  seen: number | undefined,
  known: boolean,
  window: number,
  counters: ReadonlyArray<{ name: string; amount: number; charge?: Charge }>,
): void {
  if (!known || seen === window) {
    e.conditions.push(`${e.a(tag)} = ${e.v(window)}`);
    for (const c of counters) {
      e.add.push(`${e.a(`${c.name}${slot}`)} ${e.v(c.amount)}`);
      if (c.charge) e.conditions.push(`${e.a(`${c.name}${slot}`)} <= ${e.v(c.charge.ceiling)}`);
    }
    return;
  }
  // A new window: its counters start at this request (the caller checked that it fits a limit by itself).
  e.conditions.push(is(e, tag, seen));
  e.set.push(`${e.a(tag)} = ${e.v(window)}`);
  for (const c of counters) e.set.push(`${e.a(`${c.name}${slot}`)} = ${e.v(c.amount)}`);
}

/** The admission update, planned from the image last seen (or, with none, as if every slot were current). */
export function admitUpdate(image: Image | undefined, charge: ShardCharge, now: Current): Expr {
  const e = new Expr();
  e.set.push(`${e.a('ttl')} = ${e.v(Math.ceil(charge.expiresAt / 1000))}`);
  e.remove.push(e.a('u'));
  if (charge.lease) {
    const reclaimed = leaseInto(e, image, now.epoch, 1);
    e.add.push(`${e.a('a')} ${e.v(1 - reclaimed)}`);
    e.conditions.push(`(attribute_not_exists(${e.a('a')}) OR ${e.a('a')} < ${e.v(charge.lease.limit + reclaimed)})`);
  }
  const m = minuteSlot(now.minute);
  windowInto(e, `mw${m}`, m, image?.minutes[m]?.window, image !== undefined, now.minute, [
    { name: 'mr', amount: 1, ...(charge.minute.requests ? { charge: charge.minute.requests } : {}) },
    { name: 'mt', amount: charge.minute.reserved, ...(charge.minute.tokens ? { charge: charge.minute.tokens } : {}) },
  ]);
  const o = monthSlot(now.month);
  windowInto(e, `ow${o}`, o, image?.months[o]?.window, image !== undefined, monthNumber(now.month), [
    { name: 'ot', amount: charge.month.reserved, ...(charge.month.tokens ? { charge: charge.month.tokens } : {}) },
  ]);
  if (charge.budget && now.budget) {
    const b = now.budget.slot;
    windowInto(e, `bw${b}`, b, image?.budgets[b]?.window, image !== undefined, now.budget.tag, [
      { name: 'bs', amount: charge.budget.reserved, ...(charge.budget.spend ? { charge: charge.budget.spend } : {}) },
      { name: 'bc', amount: 0 },
    ]);
  }
  return e;
}

/**
 * The settlement update. With an image, the parts whose window or lease is gone are left out (a reclaimed
 * lease is not given back twice; an over window keeps its count); without one, every part is conditional on
 * still applying, and a refusal means: look, and plan again.
 */
export function settleUpdate(image: Image | undefined, s: ShardSettlement): { expr: Expr; leaseHeld: boolean } {
  const e = new Expr();
  e.set.push(`${e.a('ttl')} = ${e.v(Math.ceil(s.expiresAt / 1000))}`);
  if (s.record !== undefined) {
    e.set.push(`${e.a('u')} = ${e.v(s.record)}`);
    e.add.push(`${e.a('n')} ${e.v(1)}`);
  } else e.remove.push(e.a('u'));
  let leaseHeld = false;
  if (s.lease && (!image || image.leases[leaseSlot(s.lease.epoch)]?.epoch === s.lease.epoch)) {
    const slot = leaseSlot(s.lease.epoch);
    e.add.push(`${e.a(`lc${slot}`)} ${e.v(-1)}`, `${e.a('a')} ${e.v(-1)}`);
    e.conditions.push(`${e.a(`le${slot}`)} = ${e.v(s.lease.epoch)}`);
    leaseHeld = true;
  }
  if (s.minute && s.minute.tokens !== 0) {
    const slot = minuteSlot(s.minute.window);
    if (!image || image.minutes[slot]?.window === s.minute.window) {
      e.add.push(`${e.a(`mt${slot}`)} ${e.v(s.minute.tokens)}`);
      e.conditions.push(`${e.a(`mw${slot}`)} = ${e.v(s.minute.window)}`);
    }
  }
  if (s.month && s.month.tokens !== 0) {
    const slot = monthSlot(s.month.window);
    const window = monthNumber(s.month.window);
    if (!image || image.months[slot]?.window === window) {
      e.add.push(`${e.a(`ot${slot}`)} ${e.v(s.month.tokens)}`);
      e.conditions.push(`${e.a(`ow${slot}`)} = ${e.v(window)}`);
    }
  }
  if (s.budget && (!image || image.budgets[s.budget.slot]?.window === s.budget.tag)) {
    // A period that is over keeps what was counted in it: the request's cost belongs to the period it was admitted in.
    const slot = s.budget.slot;
    if (s.budget.correction !== 0) e.add.push(`${e.a(`bs${slot}`)} ${e.v(s.budget.correction)}`);
    if (s.budget.cost !== 0) e.add.push(`${e.a(`bc${slot}`)} ${e.v(s.budget.cost)}`);
    e.conditions.push(`${e.a(`bw${slot}`)} = ${e.v(s.budget.tag)}`);
  }
  return { expr: e, leaseHeld };
}

/** Moves one lease from epoch `from` into the current one; undefined when the image shows it is gone. */
export function renewUpdate(image: Image | undefined, from: number, now: Current): Expr | undefined {
  const s = leaseSlot(from);
  // Two epochs without a renewal and the lease counts as dead: it may have been reclaimed already.
  if (from <= now.epoch - 2 || (image && image.leases[s]?.epoch !== from)) return undefined;
  const e = new Expr();
  e.remove.push(e.a('u'));
  e.add.push(`${e.a(`lc${s}`)} ${e.v(-1)}`);
  e.conditions.push(`${e.a(`le${s}`)} = ${e.v(from)}`);
  const reclaimed = leaseInto(e, image, now.epoch, 1);
  if (reclaimed) e.add.push(`${e.a('a')} ${e.v(-reclaimed)}`);
  return e;
}
