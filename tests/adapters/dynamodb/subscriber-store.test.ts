import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { subscriberId, type Subscriber } from '../../../functions/core/subscriber.js';
import { useTestServers } from '../../support/local-servers.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

const servers = useTestServers();

const at = '2026-11-29T08:00:00.000Z';
function subscriber(email: string, status: Subscriber['status'] = 'confirmed', newsletterId = 'weekly'): Subscriber {
  return { id: subscriberId(ID_KEY, email), newsletterId, email, status, createdAt: at };
}

describe('DynamoSubscriberStore', () => {
  it('pages through confirmed subscribers only, every one exactly once', async () => {
    const store = new DynamoSubscriberStore(servers().dynamodb, servers().tableName);
    // A list of its own: the other tests add readers to 'weekly'.
    for (let i = 0; i < 23; i++) await store.put(subscriber(`reader${i}@example.com`, 'confirmed', 'paged'));
    for (let i = 0; i < 5; i++) await store.put(subscriber(`pending${i}@example.com`, 'pending', 'paged'));
    await store.put(subscriber('other-list@example.com', 'confirmed', 'daily'));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list('paged', { status: 'confirmed', limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.subscribers.length).toBeLessThanOrEqual(10);
      seen.push(...page.subscribers.map((s) => s.email));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(23);
    expect(seen.every((e) => e.startsWith('reader'))).toBe(true);
    expect(await store.count('paged', 'confirmed')).toBe(23);
    expect(await store.count('paged', 'pending')).toBe(5);
  });

  it('adds only when absent, updates and deletes', async () => {
    const store = new DynamoSubscriberStore(servers().dynamodb, servers().tableName);
    const s = subscriber('once@example.com', 'pending');
    expect(await store.putIfAbsent(s)).toBe(true);
    expect(await store.putIfAbsent({ ...s, status: 'confirmed' })).toBe(false);
    expect((await store.get('weekly', s.id))?.status).toBe('pending');
    await store.update('weekly', s.id, { status: 'confirmed', confirmedAt: at });
    expect(await store.get('weekly', s.id)).toMatchObject({ status: 'confirmed', confirmedAt: at, email: 'once@example.com' });
    await store.delete('weekly', s.id);
    expect(await store.get('weekly', s.id)).toBeUndefined();
  });
});

describe('DynamoSubscriberStore.claimConfirmationSend', () => {
  it('lets one of two simultaneous requests send a confirmation, and another only after the cutoff', async () => {
    const store = new DynamoSubscriberStore(servers().dynamodb, servers().tableName);
    const s = subscriber('twice@example.com', 'pending');
    await store.put(s);
    const at = '2026-11-29T08:00:00.000Z';
    const cutoff = '2026-11-29T07:50:00.000Z';
    const results = await Promise.all([store.claimConfirmationSend('weekly', s.id, at, cutoff), store.claimConfirmationSend('weekly', s.id, at, cutoff)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claimConfirmationSend('weekly', s.id, '2026-11-29T08:05:00.000Z', '2026-11-29T07:55:00.000Z')).toBe(false);
    expect(await store.claimConfirmationSend('weekly', s.id, '2026-11-29T08:11:00.000Z', '2026-11-29T08:01:00.000Z')).toBe(true);
  });
});
