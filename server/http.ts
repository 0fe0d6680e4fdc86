import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { StaffPrincipal } from './staff-auth/session.ts';
import type { UserPrincipal } from './end-user-auth/session.ts';
import type { ServicePrincipal } from './service-api/auth.ts';

export type AppEnv = {
  Variables: {
    requestId: string;
    staff?: StaffPrincipal;
    staffSessionProblem?: 'expired';
    /** SQLite's data version as this request began (read once, by the staff session lookup; see DatabaseHandle.dataVersion). */
    dataVersion?: number;
    user?: UserPrincipal;
    serviceAccount?: ServicePrincipal;
  };
};

export const ErrorSchema = z
  .object({
    code: z.string().openapi({ example: 'validation_failed' }),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    requestId: z.string(),
  })
  .openapi('Error');

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: errorDescriptions[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]));

const errorDescriptions: Record<number, string> = {
  400: 'Invalid input (details per field)',
  401: 'Not signed in, or wrong credentials',
  403: 'Wrong role or missing CSRF token',
  404: 'Not found',
  409: 'State or version conflict',
  422: 'Business rule',
  429: 'Locked or rate limited (Retry-After)',
};

/** Validation failures become the flat 400 body with one entry per field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const fields: Record<string, string> = {};
        for (const issue of result.error.issues) {
          const key = issue.path.length ? issue.path.join('.') : '_';
          fields[key] ??= issue.message;
        }
        return c.json({ code: 'validation_failed', message: 'The request is not valid.', details: { fields }, requestId: c.get('requestId') }, 400);
      }
    },
  });
}

export interface RequestContext {
  ip: string | null;
  requestId: string;
  userAgent: string | null;
}

export function requestContext(c: Context<AppEnv>, trustProxy: boolean): RequestContext {
  return { ip: clientIp(c, trustProxy), requestId: c.get('requestId'), userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null };
}

export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}
