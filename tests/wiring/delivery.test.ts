import { SESClient } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import type { SendBatchMessage, SendQueueMessage } from '../../functions/ports/send-queue.js';
import { resumeQueuedEdition } from '../../functions/use-cases/delivery/requeue-edition.js';
import { enqueueEdition } from '../../functions/use-cases/run-digest.js';
import { SenderCache, sendQueuedBatch } from '../../functions/use-cases/delivery/send-queued-batch.js';
import { localDeliveryOptions, queuedDeliveryOptions, requeueDependencies, sendDependencies } from '../../functions/wiring/delivery.js';
import { fanOutDependencies } from '../../functions/wiring/edition.js';
import { useTestServers } from '../support/local-servers.js';
import { confirmedReaders, localPlace, sampleArticles } from '../support/wiring-place.js';

const servers = useTestServers();

/** A queued edition of `readers` confirmed readers on a place whose config sets `delivery`. */
async function queuedEdition(readers: number, delivery: Record<string, unknown> = {}) {
  const place = await localPlace(servers(), {}, delivery);
  const newsletter = place.config.newsletters[0]!;
  const ids = await confirmedReaders(
    place,
    Array.from({ length: readers }, (_, i) => `reader${i}@example.com`),
  );
  const queued: SendQueueMessage[] = [];
  const queue = { enqueue: async (messages: SendQueueMessage[]) => void queued.push(...messages) };
  const result = await enqueueEdition(newsletter, fanOutDependencies(place, newsletter, [await sampleArticles()], queue), { batchSize: 50 });
  if (result.status !== 'queued') throw new Error(`edition not queued: ${result.status}`);
  return { place, newsletter, ids, queued, queue, editionId: result.edition.editionId };
}

/**
 * One sender of the queued path sends the edition's batch against an SES-compatible server whose
 * account allows `accountRate`/s; the rate the server measured on the place's virtual clock.
 */
async function senderRate(delivery: Record<string, unknown>, environment: { sendRate?: number; senders?: number }, accountRate: number): Promise<number> {
  const { place, newsletter, queued } = await queuedEdition(30, delivery);
  const account = await FaultySesServer.start({ rate: accountRate, now: place.clock.millis });
  const client = new SESClient({ region: 'us-east-1', endpoint: account.endpoint, maxAttempts: 1, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  try {
    const services = { ...place, mailer: new SesMailer(client) };
    const result = await sendQueuedBatch(queued[0] as SendBatchMessage, newsletter, sendDependencies(services, 'lambda:wiring-test'), {
      cache: new SenderCache(),
      ...queuedDeliveryOptions(place.config, environment),
    });
    expect(result).toMatchObject({ status: 'sent', report: { sent: 30 } });
    return account.achievedRate();
  } finally {
    client.destroy();
    await account.close();
  }
}

describe('queuedDeliveryOptions', () => {
  it("keeps each AWS sender to its share of the config's rate, below what the account would allow", async () => {
    // delivery.rate 12/s (a domain warming up) shared by SES_SENDERS=2: 6/s each, though SES allows 40/s.
    const rate = await senderRate({ rate: 12 }, { senders: 2 }, 40);
    expect(rate).toBeGreaterThanOrEqual(5.6);
    expect(rate).toBeLessThanOrEqual(6.4);
  });

  it("lets SES_SEND_RATE fix one sender's rate over the config", async () => {
    const rate = await senderRate({ rate: 12 }, { sendRate: 4, senders: 2 }, 40);
    expect(rate).toBeGreaterThanOrEqual(3.7);
    expect(rate).toBeLessThanOrEqual(4.3);
  });

  it("carries the config's bounce and complaint limits to the sender", () => {
    const options = queuedDeliveryOptions(
      { delivery: { bounceRateLimit: 0.02, complaintRateLimit: 0.0005 } } as Parameters<typeof queuedDeliveryOptions>[0],
      {},
    );
    expect(options).toEqual({ limits: { bounceRate: 0.02, complaintRate: 0.0005 } });
  });
});

describe('localDeliveryOptions', () => {
  it('takes --rate over the configured rate, and no rate at all (the account maximum, read at run time) when neither is given', () => {
    const config = (rate?: number) =>
      ({ delivery: { bounceRateLimit: 0.05, complaintRateLimit: 0.001, ...(rate ? { rate } : {}) } }) as Parameters<typeof localDeliveryOptions>[0];
    expect(localDeliveryOptions(config(10), 3).rate).toBe(3);
    expect(localDeliveryOptions(config(10)).rate).toBe(10);
    expect(localDeliveryOptions(config()).rate).toBeUndefined();
  });
});

describe('requeueDependencies', () => {
  it("queues again, on the queue it is given, only the readers the place's ledger does not show as having the edition", async () => {
    const { place, newsletter, ids, editionId } = await queuedEdition(4);
    await place.ledger.markSentMany(editionId, [{ subscriberId: ids[0]!, messageId: 'm-0' }], place.clock.now().toISOString());
    await place.editions.update(newsletter.id, editionId, { status: 'paused', pausedReason: 'bounce rate' });
    const requeued: SendQueueMessage[] = [];

    const result = await resumeQueuedEdition(newsletter, editionId, requeueDependencies(place, { enqueue: async (m) => void requeued.push(...m) }));

    expect(result).toMatchObject({ status: 'queued', queued: 3, alreadyHave: 1 });
    expect(requeued.flatMap((m) => ('subscriberIds' in m ? m.subscriberIds : [])).sort()).toEqual(ids.slice(1).sort());
  });
});
