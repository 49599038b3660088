// Provider health in the counters table: one small item per route, shared by every Lambda instance.
// Item layout (invariant): pk "HEALTH#<provider>#<upstream model>", sk "HEALTH";
//   phase, version (compare-and-set token, bumped by phase changes only), win (window start, epoch ms),
//   calls, failures, consecutive, openedAt, probeOwner, probeUntil; ttftMs, msPerToken, latencyAt;
//   ttl (epoch s): a route nobody called for a week loses its record, which then reads as closed.
// Counts are added with conditional updates keyed on the window, so writers never overwrite each other's
// counts; phase changes are conditional on `version`. Writes are small and never read first.
import { BatchGetCommand, GetCommand, UpdateCommand, type DocClient } from './document';
import { CLOSED, type BreakerState, type Phase } from '../core/health/breaker';
import type { LatencyStats } from '../core/health/latency';
import type { HealthCounts, HealthStore, RouteHealth } from '../core/health/store';

export const healthPk = (route: string) => `HEALTH#${route}`;
const SK = 'HEALTH';
const TTL_S = 7 * 86_400;
const BATCH = 100;

type Item = Record<string, unknown>;

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const PHASES: readonly Phase[] = ['closed', 'open', 'half-open'];

export function toRouteHealth(item: Item | undefined): RouteHealth {
  if (!item) return { breaker: CLOSED };
  const phase = PHASES.find((p) => p === item.phase) ?? 'closed';
  const breaker: BreakerState = {
    phase,
    version: num(item.version),
    windowStart: num(item.win),
    calls: num(item.calls),
    failures: num(item.failures),
    consecutive: num(item.consecutive),
    openedAt: num(item.openedAt),
    ...(typeof item.probeOwner === 'string' ? { probeOwner: item.probeOwner } : {}),
    ...(typeof item.probeUntil === 'number' ? { probeUntil: item.probeUntil } : {}),
  };
  const latency: LatencyStats | undefined =
    typeof item.latencyAt === 'number'
      ? {
          at: item.latencyAt,
          ...(typeof item.ttftMs === 'number' ? { ttftMs: item.ttftMs } : {}),
          ...(typeof item.msPerToken === 'number' ? { msPerToken: item.msPerToken } : {}),
        }
      : undefined;
  return latency ? { breaker, latency } : { breaker };
}

const conditionFailed = (err: unknown) => err instanceof Error && err.name === 'ConditionalCheckFailedException';

/** Builds one SET clause list with its names and values. */
class Update {
  readonly sets: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  name(attr: string): string {
    this.names[`#${attr}`] = attr;
    return `#${attr}`;
  }

  value(key: string, v: unknown): string {
    this.values[`:${key}`] = v;
    return `:${key}`;
  }

  set(attr: string, expr: string): this {
    this.sets.push(`${this.name(attr)} = ${expr}`);
    return this;
  }

  /** attr = if_not_exists(attr, 0) + v */
  add(attr: string, v: number): this {
    return this.set(attr, `if_not_exists(${this.name(attr)}, ${this.value('zero', 0)}) + ${this.value(attr, v)}`);
  }
}

export class DynamoHealthStore implements HealthStore {
  constructor(
    private readonly doc: DocClient,
    private readonly table: string,
  ) {}

  async load(routes: readonly string[]): Promise<Map<string, RouteHealth>> {
    const out = new Map<string, RouteHealth>();
    for (let i = 0; i < routes.length; i += BATCH) {
      let keys: Item[] | undefined = routes.slice(i, i + BATCH).map((r) => ({ pk: healthPk(r), sk: SK }));
      // Unprocessed keys are retried twice; a route still missing simply keeps its cached state.
      for (let round = 0; keys?.length && round < 3; round++) {
        const res = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }));
        for (const item of res.Responses?.[this.table] ?? []) {
          out.set(String(item.pk).slice('HEALTH#'.length), toRouteHealth(item));
        }
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Item[] | undefined;
      }
    }
    return out;
  }

  async add(route: string, counts: HealthCounts, latency: LatencyStats | undefined, now: number): Promise<RouteHealth> {
    // Same window: add. Newer window: start it. Both can race with another writer, hence one more round;
    // counts for a window that has already passed keep only the failure run.
    const steps = ['same', 'newer', 'same', 'passed'] as const;
    for (const step of steps) {
      const u = new Update();
      u.set('phase', `if_not_exists(${u.name('phase')}, ${u.value('closed', 'closed')})`);
      u.set('version', `if_not_exists(${u.name('version')}, ${u.value('zero', 0)})`);
      u.set('openedAt', `if_not_exists(${u.name('openedAt')}, ${u.value('zero', 0)})`);
      u.set('ttl', u.value('ttl', Math.floor(now / 1000) + TTL_S));
      if (counts.sawSuccess) u.set('consecutive', u.value('consecutive', counts.trailing));
      else u.add('consecutive', counts.trailing);
      if (latency) {
        u.set('latencyAt', u.value('latencyAt', latency.at));
        if (latency.ttftMs !== undefined) u.set('ttftMs', u.value('ttftMs', latency.ttftMs));
        if (latency.msPerToken !== undefined) u.set('msPerToken', u.value('msPerToken', latency.msPerToken));
      }
      let condition: string | undefined;
      if (step === 'same') {
        u.add('calls', counts.calls).add('failures', counts.failures);
        condition = `${u.name('win')} = ${u.value('win', counts.windowStart)}`;
      } else if (step === 'newer') {
        u.set('calls', u.value('calls', counts.calls)).set('failures', u.value('failures', counts.failures));
        u.set('win', u.value('win', counts.windowStart));
        condition = `attribute_not_exists(${u.name('win')}) OR ${u.name('win')} < :win`;
      }
      try {
        const res = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: healthPk(route), sk: SK },
            UpdateExpression: `SET ${u.sets.join(', ')}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: u.names,
            ExpressionAttributeValues: u.values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toRouteHealth(res.Attributes);
      } catch (err) {
        if (!conditionFailed(err)) throw err;
      }
    }
    throw new Error('unreachable: the last step has no condition');
  }

  async transition(route: string, expectedVersion: number, next: BreakerState, now: number): Promise<{ won: boolean; record: RouteHealth }> {
    const u = new Update();
    u.set('phase', u.value('phase', next.phase));
    u.set('version', u.value('version', next.version));
    u.set('win', u.value('win', next.windowStart));
    u.set('calls', u.value('calls', next.calls));
    u.set('failures', u.value('failures', next.failures));
    u.set('consecutive', u.value('consecutive', next.consecutive));
    u.set('openedAt', u.value('openedAt', next.openedAt));
    u.set('ttl', u.value('ttl', Math.floor(now / 1000) + TTL_S));
    const removes: string[] = [];
    if (next.probeOwner !== undefined) u.set('probeOwner', u.value('probeOwner', next.probeOwner));
    else removes.push(u.name('probeOwner'));
    if (next.probeUntil !== undefined) u.set('probeUntil', u.value('probeUntil', next.probeUntil));
    else removes.push(u.name('probeUntil'));
    const v = u.value('expected', expectedVersion);
    const condition = expectedVersion === 0 ? `attribute_not_exists(${u.name('version')}) OR ${u.name('version')} = ${v}` : `${u.name('version')} = ${v}`;
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: healthPk(route), sk: SK },
          UpdateExpression: `SET ${u.sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: u.names,
          ExpressionAttributeValues: u.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { won: true, record: toRouteHealth(res.Attributes) };
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: healthPk(route), sk: SK }, ConsistentRead: true }));
      return { won: false, record: toRouteHealth(Item) };
    }
  }
}
