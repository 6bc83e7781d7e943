import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../functions/cli/local-server.js';
import { MAX_BODY_BYTES, type HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import type { SubscriptionApi } from '../../functions/handlers/http/subscription-app.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';

/** `newsletter dev`'s HTTP front: a Node request becomes the API Gateway event the Lambda gets. */
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(api: SubscriptionApi, options: { inbox?: string; clock?: VirtualClock } = {}): Promise<string> {
  const clock = options.clock ?? new VirtualClock();
  server = createServer((req, res) => void serve(api, req, res, { inbox: options.inbox, clock }));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('serve', () => {
  it('hands the handler a payload 2.0 event of the request, at the time of the app clock, and writes its answer back', async () => {
    const events: HttpApiEvent[] = [];
    const api: SubscriptionApi = async (event) => {
      events.push(event);
      return { statusCode: 201, headers: { 'content-type': 'text/plain' }, body: 'thanks' };
    };
    const clock = new VirtualClock(Date.parse('2026-12-03T07:45:00Z'));
    const url = await listen(api, { clock });

    const response = await fetch(`${url}/subscribe?newsletter=ai-talent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=ann%40example.com',
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('thanks');

    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/subscribe',
      rawQueryString: 'newsletter=ai-talent',
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/subscribe' }, timeEpoch: Date.parse('2026-12-03T07:45:00Z') },
    });
    expect(Buffer.from(event!.body!, 'base64').toString('utf8')).toBe('email=ann%40example.com');
  });

  it('answers 400 to a request target that is no URL path, without calling the handler', async () => {
    const events: HttpApiEvent[] = [];
    const url = await listen(async (event) => {
      events.push(event);
      return { statusCode: 200, headers: {}, body: '' };
    });
    for (const target of ['//', '//a:b@']) {
      const response = await fetch(`${url}${target}`);
      expect(response.status, target).toBe(400);
    }
    expect(events).toHaveLength(0);
  });

  it('sends /_inbox to the SES inbox viewer without calling the handler', async () => {
    const events: HttpApiEvent[] = [];
    const url = await listen(
      async (event) => {
        events.push(event);
        return { statusCode: 200, headers: {}, body: '' };
      },
      { inbox: 'http://127.0.0.1:9/inbox' },
    );
    const response = await fetch(`${url}/_inbox`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/inbox');
    expect(events).toHaveLength(0);
  });

  it('answers 413 to an upload past the limit as soon as it passes it, without reading the rest', async () => {
    const bodies: number[] = [];
    const url = await listen(async (event) => {
      bodies.push(Buffer.byteLength(event.body ?? '', 'base64'));
      return { statusCode: 413, headers: { 'content-type': 'text/plain' }, body: 'too large' };
    });
    const total = 256 * 1024 * 1024;
    const { status, written } = await uploadUntilAnswered(`${url}/subscribe`, total);
    expect(status).toBe(413);
    // The answer came while most of the upload was still unsent: nobody was reading it.
    expect(written).toBeLessThan(total / 4);
    expect(bodies).toEqual([MAX_BODY_BYTES + 1]);
  });
});

/**
 * Uploads `total` bytes as fast as the connection takes them and stops when the answer arrives;
 * how much had been written by then. A server that reads the whole upload first answers only
 * after all of it.
 */
function uploadUntilAnswered(url: string, total: number): Promise<{ status: number | undefined; written: number }> {
  return new Promise((resolve, reject) => {
    const upload = request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let answered = false;
    upload.on('response', (response) => {
      answered = true;
      response.resume();
      resolve({ status: response.statusCode, written });
      upload.destroy();
    });
    // Once answered, the server closes the connection under the rest of the upload.
    upload.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = (): void => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!upload.write(chunk)) {
          upload.once('drain', pump);
          return;
        }
      }
      if (!answered) upload.end();
    };
    pump();
  });
}
