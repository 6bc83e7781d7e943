import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/adapters/config-file.js';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer.js';
import { FolderSource } from '../../../functions/adapters/sources/folder-source.js';
import type { NewsletterConfig } from '../../../functions/core/config.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import type { SendBatchMessage } from '../../../functions/ports/send-queue.js';
import { MAX_HAND_BACKS } from '../../../functions/core/delivery/queue-messages.js';
import { renderEdition } from '../../../functions/render/render-edition.js';
import { enqueueEdition } from '../../../functions/use-cases/run-digest.js';
import { systemClock } from '../../../functions/adapters/system-clock.js';
import { SenderCache, sendQueuedBatch } from '../../../functions/use-cases/delivery/send-queued-batch.js';
import { FaultySesServer } from '../../../functions/adapters/local/faulty-ses-server.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';
import { DynamoSendBudget } from '../../../functions/adapters/dynamodb/send-budget-store.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

/** The AWS fan-out's use cases against real dynalite and an SES-compatible server with a daily quota. */
let servers: TestServers;
let ses: FaultySesServer;
let client: SESClient;
let newsletter: NewsletterConfig;
let tables = 0;

beforeAll(async () => {
  servers = await startTestServers();
  ses = await FaultySesServer.start({ quota: { max24HourSend: 5 } });
  client = new SESClient({ region: 'us-east-1', endpoint: ses.endpoint, maxAttempts: 1, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
  newsletter = (await loadConfig('newsletter.config.json')).config.newsletters[0]!;
});

afterAll(async () => {
  client?.destroy();
  await ses?.close();
  await servers?.stop();
});

async function setUp(readers: number) {
  const tableName = `fanout-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  for (let i = 0; i < readers; i++) {
    const email = `reader${i}@example.com`;
    await subscribers.put({ id: subscriberId(ID_KEY, email), newsletterId: newsletter.id, email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
  }
  const queued: SendBatchMessage[] = [];
  const deps = {
    sources: [new FolderSource(path.resolve('articles'))],
    extractor: { name: 'first', extract: async (a: { paragraphs: string[] }) => ({ keyPoints: a.paragraphs.slice(0, 2) }) },
    editions: new DynamoEditionStore(servers.dynamodb, tableName),
    subscribers,
    suppressions: new DynamoSuppressionStore(servers.dynamodb, tableName),
    ledger: new DynamoDeliveryLedger(servers.dynamodb, tableName),
    mailer: new SesMailer(client),
    render: (m: Parameters<typeof renderEdition>[0]) => renderEdition(m),
    tokenKey: randomBytes(32),
    clock: systemClock,
    owner: `sender-${tables}`,
    queue: { enqueue: async (batches: SendBatchMessage[]) => void queued.push(...batches) },
  };
  return { deps, queued, tableName };
}

/** An SES client for one of these tests' servers (the sender retries itself: one attempt per call). */
function sesClient(server: FaultySesServer): SESClient {
  return new SESClient({ region: 'us-east-1', endpoint: server.endpoint, maxAttempts: 1, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
}

/**
 * A case's arrange: `readers` confirmed readers on a table of their own, the edition queued in
 * batches of `batchSize`, and an SES server of the case's own (started with `ses`) that `deps` mail
 * through, on `clock` where given. `close()` (in the case's `finally`) stops the server.
 */
async function arrange(readers: number, options: { batchSize: number; ses?: Parameters<typeof FaultySesServer.start>[0]; clock?: VirtualClock }) {
  const { deps, queued, tableName } = await setUp(readers);
  const server = await FaultySesServer.start(options.ses ?? {});
  const serverClient = sesClient(server);
  const close = async () => {
    serverClient.destroy();
    await server.close();
  };
  const senderDeps = { ...deps, mailer: new SesMailer(serverClient), ...(options.clock ? { clock: options.clock } : {}) };
  try {
    await enqueueEdition(newsletter, senderDeps, { batchSize: options.batchSize });
  } catch (error) {
    await close();
    throw error;
  }
  return { deps: senderDeps, queued, tableName, server, close };
}

describe('enqueueEdition', () => {
  it('builds nothing for a list with no confirmed subscriber, so the articles wait for the first reader', async () => {
    const { deps, queued } = await setUp(0);
    expect(await enqueueEdition(newsletter, deps)).toEqual({ status: 'no-subscribers', problems: [] });
    expect(queued).toHaveLength(0);
    expect(await deps.editions.list(newsletter.id, 5)).toEqual([]);
  });
});

describe('sendQueuedBatch', () => {
  it('sends a batch back to the queue when the daily quota runs out, and finishes it, once each, when the quota allows', async () => {
    const { deps, queued } = await setUp(20);
    const result = await enqueueEdition(newsletter, deps, { batchSize: 50 });
    expect(result).toMatchObject({ status: 'queued', queued: 20, batches: 1 });
    const cache = new SenderCache();
    const first = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache, rate: 500 });
    expect(first).toMatchObject({ status: 'sent', report: { sent: 5 }, retryLater: expect.stringContaining('quota') });
    // Only the 15 readers not reached go back on the queue: the five sent are counted already.
    assert(first.status === 'sent');
    expect(first.retryIds).toHaveLength(15);
    expect(new Set([...first.retryIds!, ...queued[0]!.subscriberIds]).size).toBe(20);
    const editionId = queued[0]!.editionId;
    expect((await deps.editions.get(newsletter.id, editionId))?.status).toBe('sending');

    ses.setQuota({ max24HourSend: 1000 });
    const second = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache, rate: 500 });
    expect(second).toMatchObject({ status: 'sent', report: { sent: 15, alreadySent: 5 } });
    expect(second.status === 'sent' && second.retryLater).toBeFalsy();
    expect((await deps.editions.get(newsletter.id, editionId))?.status).toBe('sent');
    const copies = ses.copiesByRecipient();
    expect(copies.size).toBe(20);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('pauses the edition when SES refuses the sender, leaves nobody marked failed, and the re-queued edition finishes once resumed', async () => {
    const notVerified = {
      status: 400,
      code: 'MessageRejected',
      message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.com',
    };
    // 60 readers make two delivery groups, and each batch holds one whole group.
    const { deps, queued, server: notReady, close } = await arrange(60, { batchSize: 30, ses: { refuseAll: notVerified } });
    const ready = await FaultySesServer.start({});
    const readyClient = sesClient(ready);
    try {
      expect(queued).toHaveLength(2);
      const cache = new SenderCache();
      const first = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache, rate: 500, concurrency: 2 });
      expect(first).toMatchObject({
        status: 'sent',
        paused: { reason: 'ses-not-ready', detail: expect.stringContaining('not verified') },
        report: { sent: 0, failed: 0 },
      });
      const editionId = queued[0]!.editionId;
      expect((await deps.editions.get(newsletter.id, editionId))?.status).toBe('paused');
      // The next batch sends nothing: the edition waits for a person.
      const second = await sendQueuedBatch(queued[1]!, newsletter, deps, { cache, rate: 500, concurrency: 2 });
      expect(second).toMatchObject({ status: 'skipped' });
      expect(notReady.counts.calls).toBeLessThanOrEqual(2);

      // Resumed (what `editions resume` writes: sending, its fan-out to do again), the schedule queues the edition again and it finishes.
      await deps.editions.update(newsletter.id, editionId, { status: 'sending', pausedReason: undefined, queued: undefined });
      queued.length = 0;
      const requeued = await enqueueEdition(newsletter, deps, { batchSize: 30 });
      expect(requeued).toMatchObject({ status: 'queued', resumed: true, queued: 60 });
      const readyDeps = { ...deps, mailer: new SesMailer(readyClient) };
      for (const message of queued) await sendQueuedBatch(message, newsletter, readyDeps, { cache: new SenderCache(), rate: 500 });
      expect((await deps.editions.get(newsletter.id, editionId))?.status).toBe('sent');
      expect(ready.copiesByRecipient().size).toBe(60);
      expect([...ready.copiesByRecipient().values()].every((n) => n === 1)).toBe(true);
    } finally {
      readyClient.destroy();
      await Promise.all([close(), ready.close()]);
    }
  });

  it("keeps each sender to its share of the account's rate read from GetSendQuota (MaxSendRate / senders)", async () => {
    const clock = new VirtualClock();
    const { deps, queued, server: account, close } = await arrange(40, { batchSize: 50, ses: { rate: 40, now: clock.millis }, clock });
    try {
      const result = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache: new SenderCache(), senders: 4 });
      expect(result).toMatchObject({ status: 'sent', report: { sent: 40 } });
      // 40/s shared by 4 senders: this one sends at 10/s (on the shared virtual clock).
      expect(account.achievedRate()).toBeGreaterThanOrEqual(9.5);
      expect(account.achievedRate()).toBeLessThanOrEqual(10.6);
      // A quota raise needs no redeploy: the next edition's sender reads the new rate.
      account.setQuota({ maxSendRate: 80 });
      const { deps: deps2, queued: queued2 } = await setUp(40);
      await enqueueEdition(newsletter, deps2, { batchSize: 50 });
      const before = account.accepted.length;
      await sendQueuedBatch(queued2[0]!, newsletter, { ...deps2, mailer: deps.mailer, clock }, { cache: new SenderCache(), senders: 4 });
      expect(account.achievedRate(before)).toBeGreaterThanOrEqual(19);
      expect(account.achievedRate(before)).toBeLessThanOrEqual(21.2);
    } finally {
      await close();
    }
  });

  it("stops a batch whose sends the ledger will not record, and leaves those readers to the lock's lease, not to the next invocation", async () => {
    const clock = new VirtualClock();
    const { deps, queued, server: healthy, close } = await arrange(20, { batchSize: 50, clock });
    try {
      const message = queued[0]!;
      // DynamoDB refusing the first mark write and every retry of it: a fault dynalite cannot produce.
      // (The sender's cached context keeps the ledger it was built with, as a warm container does.)
      let refused: string | undefined;
      // The marks of the refused write: as many as arrived together (a group commit), at least one.
      let unrecorded = 0;
      let outage = true;
      const ledger = Object.assign(Object.create(deps.ledger) as typeof deps.ledger, {
        markSentMany: (...args: Parameters<typeof deps.ledger.markSentMany>) => {
          if (refused === undefined) {
            refused = args[1][0]!.subscriberId;
            unrecorded = args[1].length;
          }
          return outage && args[1][0]!.subscriberId === refused ? Promise.reject(new Error('InternalServerError')) : deps.ledger.markSentMany(...args);
        },
      });
      const cache = new SenderCache();
      const base = { ...deps, ledger };
      const stopped = await sendQueuedBatch(message, newsletter, { ...base, owner: 'lambda:a' }, { cache, rate: 500, concurrency: 4 }).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(stopped?.message).toMatch(new RegExp(`could not record ${unrecorded} sent deliveries.*run again`));
      outage = false;
      expect(unrecorded).toBeGreaterThanOrEqual(1);
      // Each of the 4 senders holds at most one reader SES has and the ledger does not.
      expect(unrecorded).toBeLessThanOrEqual(4);
      const sentFirst = healthy.accepted.length;
      expect(sentFirst).toBeGreaterThanOrEqual(unrecorded);

      // SQS redelivers the batch to the same warm container: the group is still locked for the lease.
      const redelivered = await sendQueuedBatch(message, newsletter, { ...base, owner: 'lambda:b' }, { cache, rate: 500, concurrency: 4 });
      expect(redelivered).toMatchObject({ status: 'sent', report: { sent: 0, inProgress: 20 }, retryLater: expect.any(String) });
      expect(healthy.accepted.length).toBe(sentFirst);

      // After the lease, the next sender reads the ledger: only the unrecorded readers get a second copy.
      clock.advance(11 * 60_000);
      const later = await sendQueuedBatch(message, newsletter, { ...base, owner: 'lambda:c' }, { cache, rate: 500, concurrency: 4 });
      expect(later).toMatchObject({ status: 'sent', report: { alreadySent: sentFirst - unrecorded, sent: 20 - sentFirst + unrecorded } });
      // The failed batch never counted its readers; found already sent now, they end it: the edition
      // is done, and the next scheduled run builds a new one instead of resuming this one forever.
      expect((await deps.editions.get(newsletter.id, message.editionId))?.status).toBe('sent');
      const copies = healthy.copiesByRecipient();
      expect(copies.size).toBe(20);
      expect([...copies.values()].filter((n) => n === 2)).toHaveLength(unrecorded);
      expect([...copies.values()].every((n) => n <= 2)).toBe(true);
    } finally {
      await close();
    }
  });

  it('stops for the daily quota when SES refuses a send as over it: nobody is marked failed, and every reader not sent goes back on the queue', async () => {
    // SES answers a send over the 24-hour quota with Throttling, told from a rate throttle only by its message.
    const refuseAll = { status: 400, code: 'Throttling', message: 'Daily message quota exceeded.' };
    const { deps, queued, server: full, close } = await arrange(20, { batchSize: 50, ses: { refuseAll } });
    try {
      const result = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache: new SenderCache(), rate: 500, concurrency: 4 });
      expect(result).toMatchObject({ status: 'sent', report: { sent: 0, failed: 0 }, retryLater: expect.stringContaining('quota'), retryAfterSeconds: 900 });
      assert(result.status === 'sent');
      expect(new Set(result.retryIds)).toEqual(new Set(queued[0]!.subscriberIds));
      // No retry storm: a quota refusal is not retried at once, and the other workers stop taking readers.
      expect(full.counts.calls).toBeLessThanOrEqual(4);
      expect((await deps.editions.get(newsletter.id, queued[0]!.editionId))?.status).toBe('sending');
    } finally {
      await close();
    }
  });

  it('shares one 24-hour quota among senders running at once, so together they never send more than it allows', async () => {
    const { deps, queued, tableName, server: account, close } = await arrange(100, { batchSize: 50, ses: { quota: { max24HourSend: 30 } } });
    try {
      expect(queued).toHaveLength(2);
      const sendBudget = new DynamoSendBudget(servers.dynamodb, tableName);
      // Two containers each read GetSendQuota (30 left) before either sends.
      const results = await Promise.all(
        queued.map((message, i) =>
          sendQueuedBatch(message, newsletter, { ...deps, owner: `lambda:${i}`, sendBudget }, { cache: new SenderCache(), rate: 500 }),
        ),
      );
      expect(account.accepted.length).toBe(30);
      const waiting = results.flatMap((r) => (r.status === 'sent' ? (r.retryIds ?? []) : []));
      expect(waiting).toHaveLength(70);
      expect(results.every((r) => r.status === 'sent' && r.report.failed === 0)).toBe(true);
    } finally {
      await close();
    }
  });

  it('puts a batch the quota stops back to sleep until the shared tally has room, in one wait rather than quarter hours', async () => {
    const { deps, queued, tableName } = await setUp(40);
    const account = await FaultySesServer.start({ quota: { max24HourSend: 30 } });
    const accountClient = sesClient(account);
    const clock = new VirtualClock(Date.parse('2026-12-01T08:00:00Z'));
    try {
      await enqueueEdition(newsletter, { ...deps, clock }, { batchSize: 50 });
      expect(queued).toHaveLength(1);
      const sender = { ...deps, clock, mailer: new SesMailer(accountClient), sendBudget: new DynamoSendBudget(servers.dynamodb, tableName) };
      const first = await sendQueuedBatch(queued[0]!, newsletter, sender, { cache: new SenderCache(), rate: 500 });
      assert(first.status === 'sent');
      expect(first).toMatchObject({ report: { sent: 30, failed: 0 }, retryLater: expect.stringContaining('quota') });
      // The 30 sends of the 08:00 quarter hour stop counting at 08:15 the next day: one sleep until then.
      const untilRoom = () => Math.ceil((Date.parse('2026-12-02T08:15:00Z') - clock.millis()) / 1000);
      expect(first.retryAfterSeconds).toBe(untilRoom());
      // Woken early (a redelivery): nothing of the quota, so straight back to sleep, nobody sent or failed.
      const again = { ...queued[0]!, subscriberIds: first.retryIds! };
      const second = await sendQueuedBatch(again, newsletter, sender, { cache: new SenderCache(), rate: 500 });
      assert(second.status === 'sent');
      expect(second).toMatchObject({ report: { sent: 0, failed: 0 }, retryLater: expect.stringContaining('quota') });
      expect(second.retryAfterSeconds).toBe(untilRoom());
      expect(new Set(second.retryIds)).toEqual(new Set(first.retryIds));
      expect(account.accepted.length).toBe(30);
    } finally {
      accountClient.destroy();
      await account.close();
    }
  });

  it('hands readers back a minute later when SES fails every attempt, and marks them failed only after MAX_HAND_BACKS rounds', async () => {
    const { deps, queued, server, close } = await arrange(3, {
      batchSize: 50,
      ses: { refuseAll: { status: 500, code: 'InternalFailure', message: 'We encountered an internal error.' } },
    });
    try {
      const options = { cache: new SenderCache(), rate: 500, retries: 1 };
      const first = await sendQueuedBatch(queued[0]!, newsletter, deps, options);
      assert(first.status === 'sent');
      expect(first).toMatchObject({ report: { sent: 0, failed: 0, handedBack: 3 }, retryAfterSeconds: 60 });
      expect(new Set(first.retryIds)).toEqual(new Set(queued[0]!.subscriberIds));
      // The last round: SES is broken, not busy; the readers are failed, which alarms, and nothing goes round again.
      const last = await sendQueuedBatch({ ...queued[0]!, handBacks: MAX_HAND_BACKS }, newsletter, deps, options);
      assert(last.status === 'sent');
      expect(last).toMatchObject({ report: { sent: 0, failed: 3 } });
      expect(last.retryLater).toBeUndefined();
      expect(server.accepted).toHaveLength(0);
    } finally {
      await close();
    }
  });

  it('stops taking readers at the time it is given and hands the rest back at once, without a quota wait', async () => {
    const clock = new VirtualClock();
    const { deps, queued, server: ses, close } = await arrange(40, { batchSize: 50, clock });
    try {
      // 10 messages a second and 2 seconds left: about 20 readers fit before the deadline.
      const stopAt = clock.now().getTime() + 2_000;
      const result = await sendQueuedBatch(queued[0]!, newsletter, deps, { cache: new SenderCache(), rate: 10, concurrency: 1, stopAt });
      assert(result.status === 'sent');
      expect(result.report.sent).toBeGreaterThanOrEqual(18);
      expect(result.report.sent).toBeLessThanOrEqual(22);
      expect(result).toMatchObject({ retryLater: expect.stringContaining('out of time'), retryAfterSeconds: 0 });
      expect(result.retryIds).toHaveLength(40 - result.report.sent);
      expect(new Set([...result.retryIds!, ...ses.accepted.map((a) => a.recipient)]).size).toBe(40);
    } finally {
      await close();
    }
  });

  it('keeps the edition open when SQS delivers a batch twice and the counters run ahead of the readers who have it', async () => {
    const { deps: senderDeps, queued, server: ses, close } = await arrange(60, { batchSize: 30 });
    try {
      expect(queued).toHaveLength(2);
      await sendQueuedBatch(queued[0]!, newsletter, senderDeps, { cache: new SenderCache(), rate: 500 });
      // The same batch again (a redelivery): its 30 readers count a second time as already sent.
      await sendQueuedBatch(queued[0]!, newsletter, { ...senderDeps, owner: 'lambda:again' }, { cache: new SenderCache(), rate: 500 });
      const editionId = queued[0]!.editionId;
      expect((await senderDeps.editions.get(newsletter.id, editionId))?.status).toBe('sending');
      await sendQueuedBatch(queued[1]!, newsletter, senderDeps, { cache: new SenderCache(), rate: 500 });
      expect((await senderDeps.editions.get(newsletter.id, editionId))?.status).toBe('sent');
      expect(ses.copiesByRecipient().size).toBe(60);
    } finally {
      await close();
    }
  });
});
