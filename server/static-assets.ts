import { createReadStream, statSync, type Stats } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/**
 * The built front ends (dist/admin, dist/account) as a browser should get
 * them: the brotli or gzip file written beside each asset at build time
 * (vite.config.ts) when Accept-Encoding allows it, with `Vary:
 * Accept-Encoding`; hashed files under assets/ cached for a year
 * (immutable), index.html revalidated on every load (no-cache) with an ETag
 * that answers 304.
 */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

const variants = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const;

/** Encodings the client accepts (q > 0), from an Accept-Encoding header. */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  if (!header) return accepted;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name && (q === undefined || Number(q) > 0)) accepted.add(name);
  }
  if (accepted.has('*')) for (const v of variants) accepted.add(v.encoding);
  return accepted;
}

const statOf = (path: string): Stats | undefined => {
  try {
    const s = statSync(path);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Answers a GET or HEAD for `relative` (a path inside `root`) with the best
 * encoding the client accepts, or returns null when there is no such file.
 */
export function serveBuiltFile(c: Context, root: string, relative: string, cacheControl: string): Response | null {
  // The twins are served in their file's place, never by their own name.
  if (relative.includes('\0') || relative.includes('\\') || /\.(br|gz)$/i.test(relative)) return null;
  const path = normalize(join(root, relative));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const plain = statOf(path);
  if (!plain) return null;
  const accepted = acceptedEncodings(c.req.header('accept-encoding'));
  let served = { path, stats: plain, encoding: '' };
  for (const v of variants) {
    if (!accepted.has(v.encoding)) continue;
    const stats = statOf(path + v.suffix);
    if (stats) {
      served = { path: path + v.suffix, stats, encoding: v.encoding };
      break;
    }
  }
  const etag = `"${plain.size.toString(36)}-${Math.floor(plain.mtimeMs).toString(36)}${served.encoding ? `-${served.encoding}` : ''}"`;
  const headers: Record<string, string> = {
    'Content-Type': getMimeType(path) ?? 'application/octet-stream',
    'Cache-Control': cacheControl,
    ETag: etag,
    Vary: 'Accept-Encoding',
  };
  if (served.encoding) headers['Content-Encoding'] = served.encoding;
  const ifNoneMatch = c.req.header('if-none-match');
  if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
    delete headers['Content-Type'];
    return c.body(null, 304, headers);
  }
  headers['Content-Length'] = String(served.stats.size);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(Readable.toWeb(createReadStream(served.path)) as ReadableStream, 200, headers);
}
