import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Anything that could hold a secret is redacted by key
 * wherever it appears, as a second line of defence: code never logs request
 * bodies, headers or tokens in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const secretKeys = ['password', 'code', 'token', 'secret', 'totpSecret', 'answer', 'answers', 'cookie', 'authorization', 'csrfToken', 'challengeId', 'caseToken', 'otpauthUri', 'key'];
  const paths = secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino({ level, base: { service: 'rebind' }, redact: { paths, censor: '[redacted]' } }, destination);
}

/** Path for logs with long opaque segments (tokens in links) cut out. */
export function redactPath(path: string): string {
  return path.replace(/\/[A-Za-z0-9_-]{20,}(?=\/|$)/g, '/:redacted');
}
