// A small HTTP/1.1 load generator for tests/bench/stack.ts, run in a worker
// thread so it does not share the server's event loop. Plain JavaScript: tsx
// does not load TypeScript in worker threads.
//
// Each connection keeps one request in flight (keep-alive, no pipelining) and
// parses no more of the response than it needs (status line, Content-Length or
// the end of a chunked body), so the client costs a few microseconds a request.
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * workerData: { port, requests: [{ method, path, headers, body }], concurrency,
 * durationMs, warmupMs, once } — `once`: each request is sent once (then the run
 * ends), else they are sent round robin until the time is up.
 */
const { port, requests, concurrency, durationMs, warmupMs, once } = workerData;

const encoded = requests.map((r) => {
  const body = r.body === undefined ? null : Buffer.from(r.body);
  const head = [`${r.method} ${r.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: keep-alive'];
  for (const [k, v] of Object.entries(r.headers ?? {})) head.push(`${k}: ${v}`);
  if (body) head.push(`Content-Length: ${body.length}`);
  const bytes = Buffer.from(`${head.join('\r\n')}\r\n\r\n`);
  return body ? Buffer.concat([bytes, body]) : bytes;
});

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

function responseLength(buf) {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return { done: false };
  const head = buf.subarray(0, end).toString('latin1');
  const status = Number(head.slice(9, 12));
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const total = end + 4 + Number(length[1]);
    return buf.length >= total ? { done: true, status, total } : { done: false };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const at = buf.indexOf(CHUNKED_END, end + 4);
    // The terminating chunk follows a CRLF (or is the first chunk).
    return at >= 0 && (at === end + 4 || buf[at - 1] === 0x0a) ? { done: true, status, total: at + CHUNKED_END.length } : { done: false };
  }
  return { done: true, status, total: end + 4 };
}

const started = performance.now();
const measureFrom = started + warmupMs;
let stopAt = measureFrom + durationMs;
// 'stop' ends a timed run early (a background load that has served its purpose).
parentPort.on('message', (m) => {
  if (m === 'stop') stopAt = Math.min(stopAt, performance.now());
});
let next = 0;
const latencies = [];
const statuses = {};
let completed = 0;

function take() {
  if (once) return next < encoded.length ? encoded[next++] : null;
  if (performance.now() >= stopAt) return null;
  return encoded[next++ % encoded.length];
}

function runConnection() {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let buf = Buffer.alloc(0);
    let sentAt = 0;
    const send = () => {
      const req = take();
      if (!req) {
        socket.end();
        resolve();
        return;
      }
      sentAt = performance.now();
      socket.write(req);
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const r = responseLength(buf);
        if (!r.done) return;
        buf = buf.subarray(r.total);
        const now = performance.now();
        // Throughput counts responses inside the window; latency, requests sent inside it.
        if (once || (now >= measureFrom && now <= stopAt)) {
          if (once || sentAt >= measureFrom) latencies.push(now - sentAt);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          completed++;
        }
        send();
        if (!buf.length) return;
      }
    });
    socket.on('error', reject);
  });
}

await Promise.all(Array.from({ length: concurrency }, runConnection));
parentPort.postMessage({ completed, latencies, statuses, seconds: once ? (performance.now() - started) / 1000 : Math.max(0, stopAt - measureFrom) / 1000 });
parentPort.close();
