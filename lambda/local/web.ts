// The dashboard's static files as the local front serves them, with the headers CloudFront adds in AWS
// (lib/dashboard.ts): a strict Content-Security-Policy and the usual hardening headers; and its config.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Config as PageConfig } from '../../web/src/config';
import type { FrontRoute } from './runtime';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The page's security headers; `connect` is where the page may send requests besides itself. */
export function securityHeaders(connect: readonly string[]): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ${connect.join(' ')}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

export function webRoute(dist: string, config: PageConfig): FrontRoute {
  return async (req, res) => {
    // Read per request: the gateway's own URL is known only once it listens.
    const headers = securityHeaders([config.cognitoEndpoint, config.gatewayBaseUrl, ...(config.federation ? [config.federation.domain] : [])].map((u) => new URL(u).origin));
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/dashboard/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
      res.end(JSON.stringify({ ...config }));
      return;
    }
    const file = path === '/' ? 'index.html' : normalize(path.slice(1));
    if (file.startsWith('..') || !TYPES[extname(file)]) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    try {
      const body = await readFile(join(dist, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)]!, ...headers });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
    }
  };
}
