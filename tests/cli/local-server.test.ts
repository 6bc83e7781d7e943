import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../functions/cli/local-server.js';
import type { HttpApiEvent, SubscriptionApi } from '../../functions/handlers/subscription-api.js';
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

    const response = await fetch(`${url}/subscribe?newsletter=ai-talent`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=ann%40example.com' });
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

  it('sends /_inbox to the SES inbox viewer without calling the handler', async () => {
    const events: HttpApiEvent[] = [];
    const url = await listen(async (event) => (events.push(event), { statusCode: 200, headers: {}, body: '' }), { inbox: 'http://127.0.0.1:9/inbox' });
    const response = await fetch(`${url}/_inbox`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:9/inbox');
    expect(events).toHaveLength(0);
  });
});
