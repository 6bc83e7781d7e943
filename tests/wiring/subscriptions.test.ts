import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { addToList } from '../../functions/use-cases/manage-list.js';
import { subscribe } from '../../functions/use-cases/subscriptions/subscribe.js';
import { listDependencies, subscriptionDependencies, withBaseUrl } from '../../functions/wiring/subscriptions.js';
import { useTestServers } from '../support/local-servers.js';
import { linkIn, mailsSince, sentCount } from '../support/subscription-fixtures.js';
import { localPlace } from '../support/wiring-place.js';

const servers = useTestServers();
const quiet = { log: () => {} };

describe('subscriptionDependencies with withBaseUrl', () => {
  it("mails a local sign-up's confirmation link that points at the local server, whatever public baseUrl the config names", async () => {
    const place = await localPlace(servers(), { baseUrl: 'https://news.example.com' });
    const local = { ...place, config: withBaseUrl(place.config, 'http://127.0.0.1:8787') };
    const before = sentCount(servers());

    expect(
      await subscribe({ ...subscriptionDependencies(local), ...quiet }, { email: 'ana@example.com', newsletterId: 'weekly', source: 'test' }),
    ).toMatchObject({ ok: true });

    const [confirmation] = await mailsSince(servers(), before, 'ana@example.com');
    expect(linkIn(confirmation!, 'confirm')).toMatch(/^http:\/\/127\.0\.0\.1:8787\/confirm\?token=/u);
  });
});

describe('listDependencies', () => {
  it('keys an address the operator adds with the id key, so the reader who signs up later is the same subscriber', async () => {
    const place = await localPlace(servers());
    expect(await addToList(listDependencies(place), 'weekly', [{ email: 'ben@example.org' }], { confirmed: true, source: 'imported from list.csv' })).toEqual([
      { outcome: 'added' },
    ]);

    // The reader signs up too: one subscriber, still confirmed, and no confirmation mail needed.
    await subscribe({ ...subscriptionDependencies(place), ...quiet }, { email: 'ben@example.org', newsletterId: 'weekly', source: 'test' });

    const page = await place.subscribers.list('weekly', { limit: 10 });
    expect(page.subscribers.map((s) => ({ id: s.id, status: s.status }))).toEqual([{ id: subscriberId(place.idKey, 'ben@example.org'), status: 'confirmed' }]);
  });
});
