import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Deps } from './deps.ts';
import { AppError, databaseFault, loggableError, type ErrorBody } from './errors.ts';
import type { Context } from 'hono';
import { createRouter, type AppEnv } from './http.ts';
import { frontMiddleware } from './front.ts';
import { loadStaffSession } from './staff-auth/middleware.ts';
import { staffAuthRoutes } from './staff-auth/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { staffRoutes } from './staff/routes.ts';
import { docsPage } from './openapi/docs-page.ts';
import { outboxRoutes } from './messaging/routes.ts';
import { endUserAuthRoutes } from './end-user-auth/routes.ts';
import { securityOperationRoutes } from './security-operations/routes.ts';
import { accountRoutes } from './account/routes.ts';
import { freezeScript } from './account/freeze-page.ts';
import { recoveryRoutes } from './recovery/routes.ts';
import { biometricSimulatorPage } from '../fixtures/biometric-simulator-page.ts';
import { caseRoutes } from './cases/routes.ts';
import { reasonCodeRoutes } from './cases/reason-codes.ts';
import { statsRoutes } from './cases/stats.ts';
import { userAdminRoutes } from './users/routes.ts';
import { teamRoutes } from './team/routes.ts';
import { insiderRoutes } from './insider/routes.ts';
import { IMMUTABLE, REVALIDATE, serveBuiltFile } from './static-assets.ts';
import { webhookRoutes } from './events/webhook-routes.ts';
import { serviceRoutes } from './service-api/routes.ts';
import { serviceAccountAdminRoutes } from './service-api/admin-routes.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const adminDistDir = join(root, 'dist', 'admin');
/** The end user's pages (account-ui/), built by `vite build --mode account`. */
export const accountDistDir = join(root, 'dist', 'account');

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SERVICE_BODY_LIMIT_BYTES = 1024 * 1024;

/** `application/json`, with no parameter but an optional UTF-8 charset (RFC 8259: JSON is UTF-8). */
export function isJsonUtf8(contentType: string): boolean {
  const [essence, ...params] = contentType.split(';').map((p) => p.trim());
  if (essence?.toLowerCase() !== 'application/json') return false;
  return params.every((p) => p === '' || /^charset\s*=\s*"?utf-?8"?$/i.test(p));
}

/**
 * Whether a request carries a body, from its headers (without touching the
 * body stream). With neither Content-Length nor Transfer-Encoding, Node's
 * server still hands the handler a (possibly empty) body stream, so the
 * request counts as having one there; a Request built in a test knows.
 */
function hasBody(c: Context<AppEnv>): boolean {
  const length = c.req.header('content-length');
  if (length !== undefined) return length !== '0';
  if (c.req.header('transfer-encoding') !== undefined) return true;
  return (c.env as { incoming?: unknown } | undefined)?.incoming !== undefined || c.req.raw.body !== null;
}

/**
 * Builds the whole HTTP application without listening, so tests drive it
 * through `app.request()` and `main.ts` serves it.
 */
export function createApp(deps: Deps) {
  const app = createRouter();

  // The front of every request, in one middleware: request id, security headers, the access log
  // and, while shutting down, Connection: close (see frontMiddleware).
  app.use('*', frontMiddleware(deps));

  for (const prefix of ['/api/*', '/admin/api/*', '/service/*']) {
    // A batch of 1000 ledger rows (POST /service/v1/deposits) needs more room than a form.
    const maxSize = prefix === '/service/*' ? Math.max(deps.config.bodyLimitBytes, SERVICE_BODY_LIMIT_BYTES) : deps.config.bodyLimitBytes;
    // Only methods that carry a body are limited, and from the headers where they tell the length:
    // reading `c.req.raw.body` (as Hono's bodyLimit does first) makes @hono/node-server build a full
    // Request and a web stream over the socket (about 0.3 ms a POST), where its own c.req.json()
    // reads the body straight from Node. Node's parser reads exactly Content-Length bytes, so the
    // header is the limit; a chunked body is counted as it arrives (Hono's bodyLimit).
    const limitChunked = bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError('payload_too_large');
      },
    });
    app.use(prefix, async (c, next) => {
      if (!UNSAFE.has(c.req.method)) return next();
      const length = c.req.header('content-length');
      if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
        if (Number(length) > maxSize) throw new AppError('payload_too_large');
        await next();
      } else await limitChunked(c, next);
      // Answered without reading the body (refused before validation: no key, wrong scope, a
      // rate limit): the server drains the rest only briefly, then drops the socket, so the
      // answer says the connection ends and the client does not send its next request on it.
      if (hasBody(c) && !c.req.raw.bodyUsed) c.header('Connection', 'close');
    });
    // JSON only: a form post from another site cannot reach a handler (CSRF defence in depth).
    app.use(prefix, async (c, next) => {
      if (UNSAFE.has(c.req.method) && hasBody(c)) {
        if (!isJsonUtf8(c.req.header('content-type') ?? '')) throw new AppError('unsupported_media_type');
      }
      c.header('Cache-Control', 'no-store');
      await next();
    });
  }

  app.get('/healthz', async (c) => {
    await deps.database.ping();
    return c.json({ status: 'ok' });
  });

  // Readiness for a load balancer: the database answers and its migrations are
  // current; 503 otherwise, and while the process drains on SIGTERM.
  app.get('/readyz', async (c) => {
    const body: { status: 'ready' | 'unavailable'; engine: string; database: string; migrations?: unknown; reason?: string } = {
      status: 'ready',
      engine: deps.database.engine,
      database: deps.database.name,
    };
    if (deps.lifecycle.draining) return c.json({ ...body, status: 'unavailable', reason: 'shutting_down' }, 503);
    try {
      await deps.database.ping();
      const migrations = await deps.database.migrationStatus();
      body.migrations = migrations;
      if (!migrations.current) return c.json({ ...body, status: 'unavailable', reason: 'migrations_pending' }, 503);
    } catch {
      return c.json({ ...body, status: 'unavailable', reason: 'database_unreachable' }, 503);
    }
    return c.json(body, 200);
  });

  const admin = createRouter();
  admin.use('*', loadStaffSession(deps));
  admin.route('/', staffAuthRoutes(deps));
  admin.route('/', auditRoutes(deps));
  admin.route('/', staffRoutes(deps));
  admin.route('/', outboxRoutes(deps));
  admin.route('/', caseRoutes(deps));
  admin.route('/', reasonCodeRoutes(deps));
  admin.route('/', statsRoutes(deps));
  admin.route('/', userAdminRoutes(deps));
  admin.route('/', teamRoutes(deps));
  admin.route('/', insiderRoutes(deps));
  admin.route('/', serviceAccountAdminRoutes(deps));
  admin.route('/', webhookRoutes(deps));
  app.route('/admin/api', admin);

  const api = createRouter();
  api.route('/', endUserAuthRoutes(deps));
  api.route('/', securityOperationRoutes(deps));
  api.route('/', accountRoutes(deps));
  api.route('/', recoveryRoutes(deps));
  app.route('/api/v1', api);
  // Machine callers inside the exchange (the wallet, the login service…): service keys only.
  app.route('/service/v1', serviceRoutes(deps));
  // The biometric provider's stand-in, outside production only.
  if (deps.config.env !== 'production') app.route('/dev/biometric', biometricSimulatorPage(deps));
  // Approval emails sent before the account pages existed linked here: same token, now in the fragment.
  app.get('/recovery/rebind', (c) => {
    const token = c.req.query('token') ?? '';
    return c.redirect(/^[A-Za-z0-9_-]{20,200}$/.test(token) ? `/account/rebind#token=${token}` : '/account/rebind', 302);
  });
  // A small shield for every page (browsers ask for /favicon.ico even without a link).
  const favicon =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" fill="#1565c0"/><path d="m10 16 4 4 8-8" stroke="#fff" stroke-width="3" fill="none"/></svg>';
  for (const path of ['/favicon.ico', '/favicon.svg'])
    app.get(path, (c) => c.body(favicon, 200, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' }));
  app.get('/freeze.js', (c) => c.body(freezeScript, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'staffSession', {
    type: 'apiKey',
    in: 'cookie',
    name: deps.config.secureCookies ? '__Host-rebind_staff' : 'rebind_staff',
    description: 'Staff session cookie from /admin/api/auth/login/totp; unsafe methods also need X-CSRF-Token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerSession', {
    type: 'http',
    scheme: 'bearer',
    description: 'End-user session token from /api/v1/auth/login',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'caseToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The caseToken returned when filing a reset case',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'serviceKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A service account key (rbk_live_…), created by an admin or `npm run cli -- service create`; each route needs one scope',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'rebindToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token at the end of the approval email link',
  });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'Rebind API',
      version: '0.1.0',
      description: "End-user 2FA endpoints (/api/v1), the review desk API (/admin/api) and the service API for the exchange's own systems (/service/v1).",
    },
  });
  app.get('/docs', (c) => c.html(docsPage()));
  app.get('/docs/assets/*', serveStatic({ root: join(root, 'node_modules', 'swagger-ui-dist'), rewriteRequestPath: (p) => p.replace(/^\/docs\/assets/, '') }));
  app.get('/docs/init.js', (c) => c.body(docsInitScript, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  // Unknown API paths get a JSON 404, never the SPA.
  app.all('/api/*', () => {
    throw new AppError('not_found');
  });
  app.all('/admin/api/*', () => {
    throw new AppError('not_found');
  });
  app.all('/service/*', () => {
    throw new AppError('not_found');
  });

  // The end user's pages: hashed assets (cached for good), and index.html for every page route below /account.
  app.get('/account/assets/*', (c) => serveBuiltFile(c, accountDistDir, c.req.path.replace(/^\/account/, ''), IMMUTABLE) ?? notFound());
  app.get('/account', (c) => accountIndex(c));
  app.get('/account/*', (c) => {
    if (/\.[a-z0-9]{1,8}$/i.test(c.req.path)) throw new AppError('not_found');
    return accountIndex(c);
  });

  // The desk: built assets (precompressed at build time), and index.html for every other GET (client-side routes).
  app.get('*', (c) => {
    // A missing file (favicon.ico, an old hashed asset) is a 404; only page routes get the SPA.
    if (/\.[a-z0-9]{1,8}$/i.test(c.req.path)) {
      return serveBuiltFile(c, adminDistDir, c.req.path, c.req.path.startsWith('/assets/') ? IMMUTABLE : 'public, max-age=3600') ?? notFound();
    }
    return (
      serveBuiltFile(c, adminDistDir, 'index.html', REVALIDATE) ?? c.text('The desk is not built yet: run `npm run build` (npm start does it for you).', 503)
    );
  });

  app.notFound(() => {
    throw new AppError('not_found');
  });

  app.onError((err, c) => {
    const requestIdValue = c.get('requestId') ?? '';
    let error: AppError;
    if (err instanceof AppError) error = err;
    else if (err instanceof HTTPException && err.status === 400)
      error = new AppError('invalid_json', err.message.includes('JSON') ? undefined : 'The request is malformed.');
    else if (err instanceof HTTPException && err.status === 413) error = new AppError('payload_too_large');
    // The OpenAPI validator's own media-type gate (e.g. `application/json-seq`, an empty `text/plain` body).
    else if (err instanceof HTTPException && err.status === 415) error = new AppError('unsupported_media_type');
    else if (databaseFault(err)) {
      const fault = databaseFault(err)!;
      deps.logger[fault.code === 'validation_failed' || fault.code === 'conflict' ? 'warn' : 'error'](
        { requestId: requestIdValue, sqlState: fault.cause, detail: fault.detail },
        'database fault',
      );
      error =
        fault.code === 'validation_failed'
          ? new AppError(
              'validation_failed',
              fault.cause.startsWith('23') || fault.cause.includes('FOREIGNKEY')
                ? 'The request refers to something that does not exist.'
                : 'A value in the request is out of range.',
            )
          : fault.code === 'conflict'
            ? new AppError('conflict', 'It conflicts with something that already exists; reload and try again.')
            : new AppError(fault.code, undefined, undefined, 5);
    } else {
      // Never drizzle's message: it quotes the query's parameters (see loggableError).
      deps.logger.error({ requestId: requestIdValue, err: loggableError(err) }, 'unhandled error');
      error = new AppError('internal_error');
    }
    const body: ErrorBody = { code: error.code, message: error.message, requestId: requestIdValue };
    if (error.details) body.details = error.details;
    if (error.retryAfterSeconds) c.header('Retry-After', String(error.retryAfterSeconds));
    // The rest of a refused large body is not read: the client must not send its next request on this connection.
    if (error.code === 'payload_too_large') c.header('Connection', 'close');
    return c.json(body, error.status);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;

function accountIndex(c: Context<AppEnv>) {
  return (
    serveBuiltFile(c, accountDistDir, 'index.html', REVALIDATE) ??
    c.text('The account pages are not built yet: run `npm run build` (npm start does it for you).', 503)
  );
}

function notFound(): never {
  throw new AppError('not_found');
}

const docsInitScript = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
});`;
