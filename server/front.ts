import type { ServerResponse } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from './deps.ts';
import type { AppEnv } from './http.ts';
import { redactPath } from './logger.ts';

/** The Content-Security-Policy of every answer (the desk, the account pages, the API). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // MUI (emotion) injects style elements at run time
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The security headers on every answer: what Hono's secureHeaders() sets by
 * default (helmet's set), with this CSP, no referrer, frames denied, and HSTS
 * when the origin is HTTPS. tests/server/platform.test.ts checks them over
 * real HTTP and through app.request().
 */
export function securityHeaders(secure: boolean): [string, string][] {
  return [
    ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ...(secure ? [['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'DENY'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
  ];
}

/** A request id sent by the client is kept when it is short and plain (as Hono's requestId() does). */
const CLIENT_ID = /^[\w\-=]{1,255}$/;

/**
 * Request id, security headers, access log and the draining Connection: close,
 * as one middleware (each of them was one, costing a promise chain per request).
 *
 * Served by @hono/node-server, the fixed headers go straight onto Node's
 * ServerResponse (c.env.outgoing) before the handler runs: setting them on
 * the Response afterwards made every answer build a WHATWG Headers object and
 * set a dozen validated values in it (undici), a large part of a health
 * check's cost. The answer's own headers still win over them (writeHead merges
 * its headers last). Without a ServerResponse (app.request() in tests) they
 * are set on the Response.
 *
 * Request ids are a random per-process prefix and a counter: unique across
 * instances and restarts without reading the CSPRNG per request; they are
 * labels, not secrets.
 */
export function frontMiddleware(deps: Deps): MiddlewareHandler<AppEnv> {
  const fixed = securityHeaders(deps.config.secureCookies);
  const prefix = deps.random(9).toString('base64url');
  let counter = 0;
  return async (c, next) => {
    const started = performance.now();
    const sent = c.req.header('x-request-id');
    const id = sent !== undefined && CLIENT_ID.test(sent) ? sent : `${prefix}${(++counter).toString(36)}`;
    c.set('requestId', id);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (outgoing && !outgoing.headersSent) {
      for (const [name, value] of fixed) outgoing.setHeader(name, value);
      outgoing.setHeader('X-Request-Id', id);
    }
    await next();
    if (!outgoing) {
      for (const [name, value] of fixed) c.header(name, value);
      c.header('X-Request-Id', id);
    }
    // Shutting down (SIGTERM): each answer closes its connection, so no client sends another request on it.
    if (deps.lifecycle.draining) c.header('Connection', 'close');
    // Access log: method, path with tokens cut out, status, time. Never bodies or headers.
    deps.logger.info(
      { requestId: id, method: c.req.method, path: redactPath(c.req.path), status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  };
}
