// The dashboard API's routes: which operation serves which method and path. No logic beyond dispatch.
import { MethodNotAllowedError, NotFoundError } from '../wire/errors';
import { quote } from '../wire/json';
import * as dash from '../core/dashboard/service';
import type { DashboardContext } from '../core/dashboard/service';
import { listModels } from '../dialects/openai-chat/models';
import { parseEmptyBody } from '../core/admin/validation';
import { decodeSegment } from './v1';
import type { HttpRequest } from './http';

type Handler = (req: HttpRequest, ctx: DashboardContext, id: string) => Promise<unknown>;

const EVERY_MODEL = { allows: () => true, restricted: false };

const ROUTES: ReadonlyArray<{ pattern: RegExp; methods: Record<string, Handler> }> = [
  { pattern: /^\/dashboard\/api\/me$/, methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.me(ctx)) } },
  { pattern: /^\/dashboard\/api\/account$/, methods: { PATCH: (req, ctx) => dash.updateAccount(ctx, req.body) } },
  { pattern: /^\/dashboard\/api\/events$/, methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.events(ctx)) } },
  { pattern: /^\/dashboard\/api\/onboard$/, methods: { POST: (req, ctx) => (parseEmptyBody(req.body), dash.onboard(ctx)) } },
  {
    pattern: /^\/dashboard\/api\/keys$/,
    methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.listKeys(ctx)), POST: (req, ctx) => dash.createKey(ctx, req.body) },
  },
  {
    pattern: /^\/dashboard\/api\/keys\/([^/]+)$/,
    methods: { PATCH: (req, ctx, id) => dash.updateKey(ctx, id, req.body), DELETE: (req, ctx, id) => (parseEmptyBody(req.body), dash.revokeKey(ctx, id)) },
  },
  { pattern: /^\/dashboard\/api\/keys\/([^/]+)\/rotate$/, methods: { POST: (req, ctx, id) => dash.rotateKey(ctx, id, req.body) } },
  { pattern: /^\/dashboard\/api\/usage$/, methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.usage(ctx, req.query)) } },
  { pattern: /^\/dashboard\/api\/activity$/, methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.activity(ctx, req.query)) } },
  { pattern: /^\/dashboard\/api\/models$/, methods: { GET: async (req, ctx) => (parseEmptyBody(req.body), listModels(ctx.catalog, EVERY_MODEL)) } },
  {
    pattern: /^\/dashboard\/api\/members$/,
    methods: { GET: (req, ctx) => (parseEmptyBody(req.body), dash.listMembers(ctx)), POST: (req, ctx) => dash.invite(ctx, req.body) },
  },
  { pattern: /^\/dashboard\/api\/members\/([^/]+)$/, methods: { DELETE: (req, ctx, id) => (parseEmptyBody(req.body), dash.removeMember(ctx, id)) } },
];

export async function serveDashboard(req: HttpRequest, ctx: DashboardContext): Promise<unknown> {
  const path = req.path.replace(/\/+$/, '');
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const handler = route.methods[req.method];
    if (!handler) {
      const allowed = Object.keys(route.methods).join(', ');
      throw new MethodNotAllowedError(`Method ${quote(req.method, 16)} is not allowed on ${quote(path)}; use ${allowed}.`, { headers: { allow: allowed } });
    }
    const id = decodeSegment(match[1] ?? '');
    if (id === undefined) throw new NotFoundError(`Unknown request URL: ${quote(req.path)}.`, { code: 'unknown_url' });
    return handler(req, ctx, id);
  }
  throw new NotFoundError(`Unknown request URL: ${quote(req.method, 16)} ${quote(req.path)}.`, { code: 'unknown_url' });
}
