// The admin Lambda behind the IAM-authorized REST API (and, locally, behind the admin token). Thin: event
// to request, dispatch, JSON out; errors rendered by the middleware in admin-http.ts.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { loadConfig } from '../config';
import type { AdminContext } from '../core/admin/context';
import { CatalogSource } from '../core/catalog/source';
import { systemClock, type Clock } from '../core/clock';
import type { Store } from '../core/records';
import { createStore } from '../store/dynamo';
import { fromProxyEvent, renderErrors, toProxyResult } from './admin-http';
import { serveAdmin } from './admin-routes';

export interface AdminDeps {
  store: Store;
  clock: Clock;
  catalog: CatalogSource;
}

export type AdminLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function createAdminHandler(getDeps: () => Promise<AdminDeps>): AdminLambda {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(renderErrors())
    .handler(async (event, context) => {
      const req = fromProxyEvent(event, context.awsRequestId);
      const deps = await getDeps();
      const ctx: AdminContext = {
        store: deps.store,
        clock: deps.clock,
        catalog: deps.catalog.current,
        catalogChanged: () => deps.catalog.refresh(),
        // API Gateway has verified the SigV4 signature; this is the principal it belongs to.
        actor: event.requestContext?.identity?.userArn ?? 'unknown',
        requestId: context.awsRequestId,
      };
      const body = await serveAdmin(req, ctx);
      return toProxyResult({ kind: 'json', status: 200, headers: {}, body }, context.awsRequestId);
    });
  return (event, context) => handler(event, context);
}

/** Once per instance; a failed build is retried on the next invocation. */
function lazy(build: () => Promise<AdminDeps>): () => Promise<AdminDeps> {
  let pending: Promise<AdminDeps> | undefined;
  return () =>
    (pending ??= build().catch((err: unknown) => {
      pending = undefined;
      throw err;
    }));
}

export const handler = createAdminHandler(
  lazy(async () => {
    const config = loadConfig();
    // The deployment writes the seed catalog (lib/gateway-stack.ts, SeedCatalog); until then the seed is served as is.
    const store = createStore(config);
    const catalog = CatalogSource.for(store.catalog, systemClock, config.catalogRefreshMs);
    await catalog.refresh();
    return { store, clock: systemClock, catalog };
  }),
);
