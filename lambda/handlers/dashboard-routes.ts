// The dashboard API's routes: which operation serves which method and path. No logic beyond dispatch.
import * as dash from '../core/dashboard/service';
import type { DashboardContext } from '../core/dashboard/service';
import { listModels } from '../dialects/openai-chat/models';
import { parseEmptyBody } from '../core/admin/validation';
import type { HttpRequest } from './http';
import { dispatch, type Route } from './route-table';

const EVERY_MODEL = { allows: () => true, restricted: false };

const ROUTES: readonly Route<DashboardContext>[] = [
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

export function serveDashboard(req: HttpRequest, ctx: DashboardContext): Promise<unknown> {
  return dispatch(ROUTES, req, ctx);
}
