// The dashboard API's Lambda behind API Gateway (and, locally, behind the local front on the same port):
// thin. The caller's Cognito ID token is verified here against the pool's JWKS (issuer, audience, expiry,
// signature, token use) even behind API Gateway's authorizer, so no claim is trusted that this code did not
// verify; then dispatch, JSON out, errors rendered by the same middleware as the admin API.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';
import { loadConfig, type Config } from '../config';
import { CatalogSource } from '../core/catalog/source';
import { systemClock, type Clock } from '../core/clock';
import { notSignedIn, type DashboardContext, type DashboardUser } from '../core/dashboard/service';
import type { Store } from '../core/records';
import { createStore } from '../store/dynamo';
import { fromProxyEvent, renderErrors, toProxyResult } from './admin-http';
import { serveDashboard } from './dashboard-routes';

export interface DashboardDeps {
  store: Store;
  clock: Clock;
  catalog: CatalogSource;
  /** The user an ID token vouches for; throws when it does not verify. */
  verify(token: string): Promise<DashboardUser>;
  gatewayBaseUrl: string;
}

export type DashboardLambda = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** Verifies Cognito ID tokens of one app client: signature (JWKS), issuer, audience, expiry, token use, a verified e-mail. */
export function cognitoVerifier(settings: NonNullable<Config['dashboard']>): (token: string) => Promise<DashboardUser> {
  const verifier = JwtVerifier.create({ issuer: settings.issuer, audience: settings.clientId, jwksUri: settings.jwksUri });
  // aws-jwt-verify fetches a JWKS over HTTPS only, as Cognito serves it; cognito-local serves it over plain
  // HTTP on loopback, so there the keys are fetched here and handed to the verifier (a new key id fetches again).
  let loaded: Promise<void> | undefined;
  const loadLocalJwks = () =>
    (loaded ??= fetch(settings.jwksUri)
      .then(async (res) => verifier.cacheJwks((await res.json()) as Parameters<typeof verifier.cacheJwks>[0]))
      .catch((err: unknown) => {
        loaded = undefined;
        throw err;
      }));
  const local = settings.jwksUri.startsWith('http://');
  return async (token) => {
    if (local) await loadLocalJwks();
    const payload = await verifier.verify(token);
    if (payload.token_use !== 'id') throw new Error('not an ID token');
    return verifiedUser(payload, settings.federatedProviders);
  };
}

/**
 * The user a verified ID token names, if its address is vouched for: verified by the pool (the e-mailed
 * code, or an OIDC provider's mapped `email_verified`), or asserted by one of the pool's own federated
 * providers (the `identities` claim Cognito adds), which the operator chose to trust.
 */
export function verifiedUser(payload: Record<string, unknown>, federatedProviders: readonly string[]): DashboardUser {
  const email = payload.email;
  if (typeof payload.sub !== 'string' || typeof email !== 'string') throw new Error('the token names no user');
  const identities = Array.isArray(payload.identities) ? (payload.identities as Array<{ providerName?: unknown }>) : [];
  const federated = identities.some((i) => typeof i?.providerName === 'string' && federatedProviders.includes(i.providerName));
  if (payload.email_verified !== true && payload.email_verified !== 'true' && !federated) throw new Error('the e-mail address is not verified');
  return { sub: payload.sub, email: email.toLowerCase() };
}

const BEARER = /^Bearer ([A-Za-z0-9._-]{20,8192})$/;

export function createDashboardHandler(getDeps: () => Promise<DashboardDeps>): DashboardLambda {
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(renderErrors())
    .handler(async (event, context) => {
      const req = fromProxyEvent(event, context.awsRequestId);
      const deps = await getDeps();
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
      if (!token) throw notSignedIn();
      const user = await deps.verify(token).catch(() => {
        throw notSignedIn();
      });
      const ctx: DashboardContext = {
        store: deps.store,
        clock: deps.clock,
        catalog: deps.catalog.current,
        catalogChanged: () => deps.catalog.refresh(),
        actor: `dashboard:${user.email}`,
        requestId: context.awsRequestId,
        user,
        gatewayBaseUrl: deps.gatewayBaseUrl,
      };
      const body = await serveDashboard(req, ctx);
      return toProxyResult({ kind: 'json', status: 200, headers: {}, body }, context.awsRequestId);
    });
  return (event, context) => handler(event, context);
}

let pending: Promise<DashboardDeps> | undefined;

export const handler = createDashboardHandler(
  () =>
    (pending ??= (async () => {
      const config = loadConfig();
      if (!config.dashboard) throw new Error('the dashboard is not configured (OP_COGNITO_ISSUER, OP_COGNITO_CLIENT_ID)');
      const store = createStore(config);
      const catalog = CatalogSource.for(store.catalog, systemClock, config.catalogRefreshMs);
      await catalog.refresh();
      return { store, clock: systemClock, catalog, verify: cognitoVerifier(config.dashboard), gatewayBaseUrl: config.dashboard.gatewayBaseUrl };
    })().catch((err: unknown) => {
      pending = undefined;
      throw err;
    })),
);
