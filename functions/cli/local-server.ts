import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { MAX_BODY_BYTES, type HttpApiEvent } from '../handlers/http/http-event.js';
import type { SubscriptionApi } from '../handlers/http/subscription-app.js';
import { maxBodyBytesFor } from '../handlers/http/http-event.js';

/**
 * The local side of API Gateway: `newsletter dev` turns each Node HTTP request into an HTTP API
 * (payload 2.0) event for the same handler as the Lambda, and writes its result back.
 */

/** What the server adds to a request: the SES inbox viewer to redirect `/_inbox` to, and the app's clock (the event's time). */
export interface LocalServerOptions {
  inbox: string | undefined;
  clock: Clock;
}

/** One HTTP request → one API Gateway HTTP API event → the handler → the response. */
export async function serve(api: SubscriptionApi, req: IncomingMessage, res: ServerResponse, { inbox, clock }: LocalServerOptions): Promise<void> {
  const url = requestUrl(req.url ?? '/');
  if (!url) {
    // Node accepts request targets no URL parser does (`//`, `//a:b@`): the client's mistake, not the server's.
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end('bad request: the request target is not a URL path');
    return;
  }
  try {
    if (inbox && (url.pathname === '/_inbox' || url.pathname === '/_inbox/')) {
      res.writeHead(302, { location: inbox, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const { event, cutOff } = await toEvent(req, url, clock);
    const result = await api(event);
    // The rest of an oversized upload is never read: the connection closes after the answer.
    res.writeHead(result.statusCode, cutOff ? { ...result.headers, connection: 'close' } : result.headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end('internal error');
    console.error(`dev server: ${(error as Error).message}`);
  }
}

/** The request target as a URL, or undefined when it is none (`URL.parse` is newer than Node 20.0). */
function requestUrl(target: string): URL | undefined {
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

/**
 * Reads at most one byte more than the API accepts, so the handler sees an oversized body and
 * answers 413, and then stops reading: the rest of the upload is neither held in memory nor read
 * off the connection (`cutOff`, which is closed after the answer). API Gateway sends form bodies
 * base64-encoded; so does this server.
 */
async function toEvent(req: IncomingMessage, url: URL, clock: Clock): Promise<{ event: HttpApiEvent; cutOff: boolean }> {
  const read = await readBody(req, maxBodyBytesFor(url.pathname.replace(/\/+$/, '') || '/', MAX_BODY_BYTES) + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const now = clock.now();
  const { body } = read;
  const event: HttpApiEvent = {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    requestContext: {
      http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '' },
      requestId: `local-${now.getTime()}`,
      timeEpoch: now.getTime(),
      stage: '$default',
      routeKey: '$default',
    },
  };
  return { event, cutOff: read.cutOff };
}

/** The body up to `limit` bytes; at the limit it stops reading (pauses the request) and says so. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; cutOff: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk.subarray(0, limit - size));
      size += Math.min(chunk.length, limit - size);
      if (size < limit) return;
      done();
      req.pause();
      resolve({ body: Buffer.concat(chunks), cutOff: true });
    };
    const onEnd = () => {
      done();
      resolve({ body: Buffer.concat(chunks), cutOff: false });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
