// The /admin routes: which service serves which method and path. No logic beyond dispatch and parsing.
import * as accounts from '../core/admin/account-service';
import type { AdminContext } from '../core/admin/context';
import * as keys from '../core/admin/key-service';
import * as models from '../core/admin/model-service';
import * as parse from '../core/admin/validation';
import * as usage from '../core/usage/report';
import type { HttpRequest } from './http';
import { dispatch, type Route } from './route-table';

const now = (ctx: AdminContext) => ctx.clock.now();

const ROUTES: readonly Route<AdminContext>[] = [
  {
    pattern: /^\/admin\/accounts$/,
    methods: {
      POST: (req, ctx) => accounts.createAccount(ctx, parse.parseAccountInput(req.body, ctx.catalog)),
      GET: (req, ctx) => {
        parse.parseEmptyBody(req.body);
        return accounts.listAccounts(ctx, parse.parseListQuery(req.query));
      },
    },
  },
  {
    pattern: /^\/admin\/accounts\/([^/]+)$/,
    methods: {
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return accounts.showAccount(ctx, id);
      },
      PATCH: (req, ctx, id) => accounts.updateAccount(ctx, id, parse.parseAccountPatch(req.body, ctx.catalog)),
      DELETE: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return accounts.deleteAccount(ctx, id);
      },
    },
  },
  {
    pattern: /^\/admin\/accounts\/([^/]+)\/keys$/,
    methods: {
      POST: (req, ctx, id) => keys.createKey(ctx, id, parse.parseKeyInput(req.body, now(ctx), ctx.catalog)),
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return keys.listKeys(ctx, id);
      },
    },
  },
  {
    pattern: /^\/admin\/accounts\/([^/]+)\/usage$/,
    methods: {
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return usage.accountUsage(ctx, id, usage.parseUsageQuery(req.query, now(ctx)));
      },
    },
  },
  {
    pattern: /^\/admin\/accounts\/([^/]+)\/events$/,
    methods: {
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return accounts.listEvents(ctx, id);
      },
    },
  },
  {
    pattern: /^\/admin\/keys\/([^/]+)$/,
    methods: {
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return keys.showKey(ctx, id);
      },
      PATCH: (req, ctx, id) => keys.updateKey(ctx, id, parse.parseKeyPatch(req.body, now(ctx), ctx.catalog)),
      DELETE: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return keys.revokeKey(ctx, id);
      },
    },
  },
  {
    pattern: /^\/admin\/models$/,
    methods: {
      GET: (req, ctx) => {
        parse.parseEmptyBody(req.body);
        return models.listModels(ctx);
      },
      POST: (req, ctx) => models.addModel(ctx, req.body),
    },
  },
  {
    pattern: /^\/admin\/models\/([^/]+)$/,
    methods: {
      GET: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return models.showModel(ctx, id);
      },
      PATCH: (req, ctx, id) => models.updateModel(ctx, id, req.body),
      DELETE: (req, ctx, id) => {
        parse.parseEmptyBody(req.body);
        return models.deleteModel(ctx, id);
      },
    },
  },
  {
    pattern: /^\/admin\/keys\/([^/]+)\/rotate$/,
    methods: { POST: (req, ctx, id) => keys.rotateKey(ctx, id, parse.parseRotateInput(req.body, now(ctx))) },
  },
];

export function serveAdmin(req: HttpRequest, ctx: AdminContext): Promise<unknown> {
  return dispatch(ROUTES, req, ctx);
}
