import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import type { Subscriber } from '../../functions/core/subscriber.js';
import { subscriberPages } from '../../functions/ports/subscriber-pages.js';
import type { SubscriberStore } from '../../functions/ports/subscriber-store.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

let servers: TestServers;
let store: DynamoSubscriberStore;
beforeAll(async () => {
  servers = await startTestServers();
  await ensureTable(servers.dynamodb, 'pages');
  store = new DynamoSubscriberStore(servers.dynamodb, 'pages');
  for (let i = 0; i < 7; i++) {
    const status = i % 3 === 2 ? 'pending' : 'confirmed';
    await store.put({
      id: `s${i}`,
      newsletterId: 'weekly',
      email: `reader${i}@example.com`,
      status,
      createdAt: '2026-11-01T00:00:00.000Z',
    } satisfies Subscriber);
  }
});
afterAll(async () => servers?.stop());

/** The real store whose reads after the first fail (a fault forced on purpose). */
function failingAfterFirstRead(): { store: SubscriberStore; reads: () => number } {
  let reads = 0;
  const faulty: SubscriberStore = Object.assign(Object.create(store) as SubscriberStore, {
    list: (newsletterId: string, options: Parameters<SubscriberStore['list']>[1]) => {
      reads += 1;
      return reads === 1 ? store.list(newsletterId, options) : Promise.reject(new Error('store unreachable'));
    },
  });
  return { store: faulty, reads: () => reads };
}

async function collect(pages: AsyncGenerator<Subscriber[]>): Promise<Subscriber[][]> {
  const seen: Subscriber[][] = [];
  for await (const page of pages) seen.push(page);
  return seen;
}

describe('subscriberPages', () => {
  it('yields every subscriber of the status once, in pages no larger than asked', async () => {
    const pages = await collect(subscriberPages(store, 'weekly', { status: 'confirmed', pageSize: 2 }));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    expect(
      pages
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['s0', 's1', 's3', 's4', 's6']);
  });

  it('yields every subscriber whatever the status when none is named', async () => {
    const pages = await collect(subscriberPages(store, 'weekly', { pageSize: 3 }));
    expect(
      pages
        .flat()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
  });

  it('reads one page ahead at most, and a read-ahead that fails after the caller stopped does not surface', async () => {
    // A fault forced on the second read: the caller has stopped by then.
    const faulty = failingAfterFirstRead();
    const firstPages: Subscriber[][] = [];
    for await (const page of subscriberPages(faulty.store, 'weekly', { pageSize: 2 })) {
      firstPages.push(page);
      break;
    }
    expect(firstPages).toHaveLength(1);
    expect(faulty.reads()).toBe(2);
  });

  it('fails with the store error when a page the caller waits for cannot be read', async () => {
    const faulty = failingAfterFirstRead();
    await expect(collect(subscriberPages(faulty.store, 'weekly', { pageSize: 2 }))).rejects.toThrow('store unreachable');
  });
});
