import type { Socket } from 'node:net';
import { AppError, type ErrorCode } from '../errors.ts';

/**
 * Requests Node's HTTP parser refuses before any handler runs (headers or URL
 * too large, a malformed request line, a request that took too long to send)
 * get the usual JSON error body instead of Node's bare status line, and the
 * connection closes.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [code, status, reason]: [ErrorCode, number, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['headers_too_large', 431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['request_timeout', 408, 'Request Timeout']
        : ['malformed_request', 400, 'Bad Request'];
  const body = JSON.stringify({ code, message: new AppError(code).message, requestId: '' });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
