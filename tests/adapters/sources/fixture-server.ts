import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The fetcher reads only public addresses; fixtures are served on loopback, so every test that
 * fetches them opts in the way an intranet source would.
 */
export const LOOPBACK = { allowPrivateHosts: ['127.0.0.1'] } as const;

/** A handler for one path of the loopback server; `origin` is the server's own `http://127.0.0.1:port`. */
export type Route = (request: IncomingMessage, response: ServerResponse, origin: string) => void;

export interface FixtureServer {
  origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1 with an ephemeral port, serving the given routes. */
export async function startFixtureServer(routes: Record<string, Route>): Promise<FixtureServer> {
  let origin = '';
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', origin).pathname;
    const route = routes[path];
    if (route) route(request, response, origin);
    else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Requests that were never answered (the timeout route) would keep close() waiting.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/sources/${name}`, import.meta.url), 'utf8');
}

/** Serves a fixed body with a content type. */
export function serve(body: string, contentType: string, status = 200): Route {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': contentType }).end(body);
  };
}

export function redirect(location: string, status = 302): Route {
  return (_request, response) => {
    response.writeHead(status, { location }).end();
  };
}

/** Never answers, so a client can only give up by its own timeout. */
export const neverAnswer: Route = () => undefined;

/**
 * Streams `totalBytes` of HTML without a content-length, so only counting while reading can
 * notice that the page is too large.
 */
export function hugeBody(totalBytes: number): Route {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const writeMore = (): void => {
      while (sent < totalBytes && !response.destroyed) {
        sent += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', writeMore);
          return;
        }
      }
      if (!response.destroyed) response.end();
    };
    response.on('close', () => {
      sent = totalBytes;
    });
    writeMore();
  };
}

/**
 * Sends the headers and one byte, then nothing more (a server trickling 1 byte a second looks the
 * same to a client within a test's span); `onRequest` sees each request as it arrives.
 */
export function trickle(onRequest: () => void = () => undefined): Route {
  return (_request, response) => {
    onRequest();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.write('<');
  };
}

/** Serves a fixed body and counts the requests in `counter.requests`. */
export function counted(body: string, contentType: string, counter: { requests: number }): Route {
  return (_request, response) => {
    counter.requests++;
    response.writeHead(200, { 'content-type': contentType }).end(body);
  };
}
