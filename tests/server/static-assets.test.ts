import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import { createTestContext } from './helpers.ts';
import { accountDistDir, adminDistDir } from '../../server/app.ts';

// The built desk and account pages (tests/global-setup.ts builds both in production mode), over real HTTP:
// node:http hands back the bytes as sent, compressed or not.
let server: ServerType;
let port = 0;

beforeAll(async () => {
  const ctx = await createTestContext();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      port = info.port;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const scriptOf = (dir: string) => /<script[^>]+src="([^"]+\.js)"/.exec(readFileSync(join(dir, 'index.html'), 'utf8'))![1]!;
const deskScript = () => scriptOf(adminDistDir); // /assets/index-….js
const accountScript = () => scriptOf(accountDistDir); // /account/assets/index-….js
const fileOf = (dir: string, urlPath: string) => readFileSync(join(dir, urlPath.replace(/^\/account/, '')));

describe('built assets: precompressed at build time, served by content negotiation', () => {
  it('writes a brotli and a gzip twin of every script, stylesheet and index.html of both builds (but the tiniest)', () => {
    for (const dir of [adminDistDir, accountDistDir]) {
      const files = [...readdirSync(join(dir, 'assets')).map((f) => join(dir, 'assets', f)), join(dir, 'index.html')].filter(
        (f) => /\.(js|css|html)$/.test(f) && statSync(f).size >= 256,
      );
      expect(files.length).toBeGreaterThan(2);
      for (const file of files) {
        const original = readFileSync(file);
        expect(brotliDecompressSync(readFileSync(`${file}.br`)).equals(original), file).toBe(true);
        expect(gunzipSync(readFileSync(`${file}.gz`)).equals(original), file).toBe(true);
      }
    }
  });

  it('sends the desk script as brotli when accepted, cached immutably, with Vary', async () => {
    const path = deskScript();
    const res = await get(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(brotliDecompressSync(res.body).equals(fileOf(adminDistDir, path))).toBe(true);
    expect(res.body.length).toBeLessThan(fileOf(adminDistDir, path).length / 2);
  });

  it('sends gzip to a client without brotli, or with brotli refused (q=0)', async () => {
    const path = deskScript();
    for (const accept of ['gzip', 'br;q=0, gzip;q=0.8', 'GZIP']) {
      const res = await get(path, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe('gzip');
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(gunzipSync(res.body).equals(fileOf(adminDistDir, path))).toBe(true);
    }
  });

  it('sends the file as it is (identity) when no encoding is accepted, still with Vary and the type', async () => {
    const path = deskScript();
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }] as Record<string, string>[]) {
      const res = await get(path, headers);
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(res.headers['content-type']).toMatch(/^text\/javascript/);
      expect(res.body.equals(fileOf(adminDistDir, path))).toBe(true);
    }
    const css = readdirSync(join(adminDistDir, 'assets')).find((f) => f.endsWith('.css'))!;
    const style = await get(`/assets/${css}`, { 'accept-encoding': 'br' });
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    expect(style.headers['content-encoding']).toBe('br');
  });

  it('revalidates index.html on every load (no-cache) and answers a matching If-None-Match with 304', async () => {
    for (const path of ['/', '/cases/12', '/account', '/account/security']) {
      const res = await get(path, { 'accept-encoding': 'br, gzip' });
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
      expect(res.headers['content-type'], path).toMatch(/^text\/html/);
      expect(res.headers['content-encoding'], path).toBe('br');
      expect(brotliDecompressSync(res.body).toString('utf8')).toContain('<script');
      // The desk's CSP and the other security headers still apply to pages.
      expect(res.headers['content-security-policy'], path).toContain("script-src 'self'");
      const etag = res.headers.etag as string;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await get(path, { 'accept-encoding': 'br, gzip', 'if-none-match': etag });
      expect(again.status, path).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(etag);
      // Another encoding is another representation: it does not match the brotli one's tag.
      const gzip = await get(path, { 'accept-encoding': 'gzip', 'if-none-match': etag });
      expect(gzip.status, path).toBe(200);
      expect(gzip.headers['content-encoding']).toBe('gzip');
    }
  });

  it("serves the account pages' scripts the same way", async () => {
    const path = accountScript();
    expect(path).toMatch(/^\/account\/assets\//);
    const br = await get(path, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.body).equals(fileOf(accountDistDir, path))).toBe(true);
    const plain = await get(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(fileOf(accountDistDir, path))).toBe(true);
  });

  it('answers HEAD with the length of what a GET would send, and missing or sneaky paths with a JSON 404', async () => {
    const path = deskScript();
    const head = await get(path, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(readFileSync(join(adminDistDir, `${path}.gz`)).length);
    for (const missing of [
      '/assets/missing-1234.js',
      '/account/assets/missing-1234.js',
      '/assets/..%2f..%2fpackage.json',
      '/account/assets/%2e%2e/%2e%2e/package.json',
      '/index.html.br',
    ]) {
      const res = await get(missing, { 'accept-encoding': 'br' });
      expect(res.status, missing).toBe(404);
      expect(JSON.parse(res.body.toString('utf8')).code, missing).toBe('not_found');
    }
  });
});
