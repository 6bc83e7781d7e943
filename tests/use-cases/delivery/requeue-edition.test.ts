import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoDeliveryLookup } from '../../../functions/adapters/dynamodb/delivery-lookup.js';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import type { NewsletterConfig } from '../../../functions/core/config.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import type { EditionRecord } from '../../../functions/ports/edition-store.js';
import { isFanOut, type FanOutProgress } from '../../../functions/core/delivery/queue-messages.js';
import type { SendBatchMessage, SendQueueMessage } from '../../../functions/ports/send-queue.js';
import { resendFailedDeliveries, resumeQueuedEdition } from '../../../functions/use-cases/delivery/requeue-edition.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

const ID_KEY = randomBytes(32);
const newsletter = { id: 'weekly' } as NewsletterConfig;
const at = '2026-11-30T08:00:00.000Z';
const counts = { sent: 0, alreadySent: 0, suppressed: 0, failed: 0, throttledRetries: 0, bounces: 0, complaints: 0 };

let servers: TestServers;
let tables = 0;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

/**
 * A fanned-out edition on real dynalite: `readers` confirmed subscribers, the first `sent` of them
 * marked sent in the ledger and the next `failed` marked failed, as the senders would leave them.
 */
async function setUp(readers: number, ledgerState: { sent: number; failed: number }, edition: Partial<EditionRecord>) {
  const tableName = `requeue-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  const ids: string[] = [];
  for (let i = 0; i < readers; i++) {
    const email = `reader${i}@example.com`;
    ids.push(subscriberId(ID_KEY, email));
    await subscribers.put({ id: ids[i]!, newsletterId: newsletter.id, email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
  }
  const ledger = new DynamoDeliveryLedger(servers.dynamodb, tableName);
  await ledger.markSentMany(
    'ed-1',
    ids.slice(0, ledgerState.sent).map((id, i) => ({ subscriberId: id, messageId: `m-${i}` })),
    at,
  );
  for (const id of ids.slice(ledgerState.sent, ledgerState.sent + ledgerState.failed)) await ledger.markFailed('ed-1', id, 'Throttling', at);
  const editions = new DynamoEditionStore(servers.dynamodb, tableName);
  await editions.create(
    {
      newsletterId: newsletter.id,
      editionId: 'ed-1',
      status: 'sending',
      createdAt: at,
      subject: 'S',
      date: '2026-11-30',
      articles: [],
      queued: readers,
      ...edition,
    },
    { subject: 'S', html: '<p>S</p>', text: 'S' },
  );
  const queued: SendBatchMessage[] = [];
  const handedOn: FanOutProgress[] = [];
  const enqueue = async (messages: SendQueueMessage[]) => {
    for (const m of messages) {
      if (!isFanOut(m)) queued.push(m);
      else if (m.fanOut !== 'start') handedOn.push(m.fanOut);
    }
  };
  const deps = { editions, subscribers, deliveries: new DynamoDeliveryLookup(servers.dynamodb, tableName), queue: { enqueue }, clock: new VirtualClock() };
  return { ids, queued, handedOn, deps, editions };
}

describe('resumeQueuedEdition', () => {
  it('goes on with an edition stopped by the daily quota whose batches were lost: queues the readers without it, failed ones included', async () => {
    const stoppedCounts = { ...counts, sent: 70, failed: 5 };
    const { ids, queued, deps, editions } = await setUp(
      120,
      { sent: 70, failed: 5 },
      { status: 'sending', pausedReason: 'the 24-hour quota ran out', counts: stoppedCounts },
    );
    const result = await resumeQueuedEdition(newsletter, 'ed-1', deps, { batchSize: 20 });
    expect(result).toMatchObject({ status: 'queued', queued: 50, batches: 3, alreadyHave: 70 });
    expect(queued.flatMap((m) => m.subscriberIds).sort()).toEqual(ids.slice(70).sort());
    // Every re-queued delivery ends once more: the edition is done when 75 + 50 have ended.
    expect(await editions.get(newsletter.id, 'ed-1')).toMatchObject({ status: 'sending', queued: 125, baseline: stoppedCounts });
    expect((await editions.get(newsletter.id, 'ed-1'))!.pausedReason).toBeUndefined();
  });

  it('brings back the readers of a batch lost to the DLQ from an edition already closed as sent, and closes it when the ledger counts everyone', async () => {
    // 80 readers have it on record; a batch of 20 went to the DLQ after the counters (a batch counted twice) closed the edition.
    const { ids, queued, deps, editions } = await setUp(
      100,
      { sent: 80, failed: 0 },
      { status: 'sent', counts: { ...counts, sent: 80, alreadySent: 20 }, readers: 100 },
    );
    const result = await resumeQueuedEdition(newsletter, 'ed-1', deps, { batchSize: 50 });
    expect(result).toMatchObject({ status: 'queued', queued: 20, alreadyHave: 80 });
    expect(queued.flatMap((m) => m.subscriberIds).sort()).toEqual(ids.slice(80).sort());
    expect(await editions.get(newsletter.id, 'ed-1')).toMatchObject({ status: 'sending', readers: 100 });

    // The counters alone reach the mark before the senders have sent anything: the ledger keeps the edition open.
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, `requeue-${tables}`);
    expect(await ledger.countEnded('ed-1')).toBe(80);
    await ledger.markSentMany(
      'ed-1',
      ids.slice(80).map((id, i) => ({ subscriberId: id, messageId: `n-${i}` })),
      at,
    );
    expect(await ledger.countEnded('ed-1')).toBe(100);
  });

  it('closes an edition that everyone has, queuing nothing', async () => {
    const { queued, deps, editions } = await setUp(
      30,
      { sent: 30, failed: 0 },
      { status: 'paused', pausedReason: 'bounce rate 6%', counts: { ...counts, sent: 30, bounces: 2 } },
    );
    const result = await resumeQueuedEdition(newsletter, 'ed-1', deps);
    expect(result).toMatchObject({ status: 'queued', queued: 0, alreadyHave: 30, edition: { status: 'sent' } });
    expect(queued).toHaveLength(0);
    expect(await editions.get(newsletter.id, 'ed-1')).toMatchObject({ status: 'sent' });
  });
});

describe('resendFailedDeliveries', () => {
  it('leaves a finished edition without failures alone', async () => {
    const { queued, deps, editions } = await setUp(10, { sent: 10, failed: 0 }, { status: 'sent', counts: { ...counts, sent: 10 }, finishedAt: at });
    expect(await resendFailedDeliveries(newsletter, 'ed-1', deps)).toMatchObject({ status: 'nothing-to-send' });
    expect(queued).toHaveLength(0);
    expect(await editions.get(newsletter.id, 'ed-1')).toMatchObject({ status: 'sent', finishedAt: at });
  });

  it('refuses an edition still being sent, pointing at resume', async () => {
    const { deps } = await setUp(10, { sent: 4, failed: 1 }, { status: 'paused' });
    const result = await resendFailedDeliveries(newsletter, 'ed-1', deps);
    expect(result).toMatchObject({ status: 'refused', reason: expect.stringContaining('editions resume ed-1 --aws') });
  });
});

describe('a fan-out handed on in steps', () => {
  it('queues a page budget per step and hands on the rest: each reader without the edition is queued once, and it completes at the right count', async () => {
    const { ids, queued, handedOn, deps, editions } = await setUp(
      57,
      { sent: 4, failed: 0 },
      { status: 'sending', queued: undefined, deliveryGroups: 2, counts: { ...counts, sent: 4 } },
    );
    let result = await resumeQueuedEdition(newsletter, 'ed-1', deps, { pageSize: 10, pageBudget: 2 });
    for (let step = 0; result.status === 'handed-on'; step++) {
      expect(step).toBeLessThan(5);
      // Each step hands on exactly one fan-out message, which a sender would take from the queue.
      expect(handedOn).toHaveLength(step + 1);
      // Nothing says the edition is complete while the fan-out is under way.
      expect((await editions.get(newsletter.id, 'ed-1'))?.queued).toBeUndefined();
      result = await resumeQueuedEdition(newsletter, 'ed-1', deps, { pageSize: 10, pageBudget: 2, continueFrom: handedOn.at(-1)! });
    }
    // 57 readers, 20 a step: two hand-ons, then the last step settles the totals of all three.
    expect(handedOn).toHaveLength(2);
    expect(result).toMatchObject({ status: 'queued', queued: 53, alreadyHave: 4 });
    const all = queued.flatMap((m) => m.subscriberIds);
    expect(all.sort()).toEqual(ids.slice(4).sort());
    // Done when the four already sent plus the 53 queued have ended.
    expect((await editions.get(newsletter.id, 'ed-1'))?.queued).toBe(57);
  });

  it('stops the chain when the edition was paused between two steps', async () => {
    const { queued, handedOn, deps, editions } = await setUp(30, { sent: 0, failed: 0 }, { status: 'sending', queued: undefined, deliveryGroups: 1 });
    const first = await resumeQueuedEdition(newsletter, 'ed-1', deps, { pageSize: 10, pageBudget: 1 });
    expect(first.status).toBe('handed-on');
    expect(handedOn).toHaveLength(1);
    await editions.update(newsletter.id, 'ed-1', { status: 'paused', pausedReason: 'bounce rate 6.00% reached the limit' });
    const next = await resumeQueuedEdition(newsletter, 'ed-1', deps, { pageSize: 10, pageBudget: 1, continueFrom: handedOn[0]! });
    expect(next).toMatchObject({ status: 'refused', reason: expect.stringContaining('is paused') });
    expect(queued.flatMap((m) => m.subscriberIds)).toHaveLength(10);
  });
});
