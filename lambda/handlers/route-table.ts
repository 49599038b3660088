// One dispatcher for the JSON APIs behind API Gateway (admin, dashboard): a table of path patterns, each
// with its methods; 405 naming the allowed methods, 400 for a malformed percent-escape, 404 otherwise.
import { BadRequestError, MethodNotAllowedError, NotFoundError } from '../wire/errors';
import { quote } from '../wire/json';
import type { HttpRequest } from './http';
import { decodeSegment } from './v1';

export type RouteHandler<C> = (req: HttpRequest, ctx: C, id: string) => Promise<unknown>;

export interface Route<C> {
  pattern: RegExp;
  methods: Record<string, RouteHandler<C>>;
}

export async function dispatch<C>(routes: readonly Route<C>[], req: HttpRequest, ctx: C): Promise<unknown> {
  const path = req.path.replace(/\/+$/, '');
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const handler = route.methods[req.method];
    if (!handler) {
      const allowed = Object.keys(route.methods).join(', ');
      throw new MethodNotAllowedError(`Method ${quote(req.method, 16)} is not allowed on ${quote(path)}; use ${allowed}.`, { headers: { allow: allowed } });
    }
    const id = decodeSegment(match[1] ?? '');
    if (id === undefined) throw new BadRequestError(`The path ${quote(req.path)} has a malformed percent-escape.`, { code: 'invalid_path' });
    return handler(req, ctx, id);
  }
  throw new NotFoundError(`Unknown request URL: ${quote(req.method, 16)} ${quote(req.path)}.`, { code: 'unknown_url' });
}
