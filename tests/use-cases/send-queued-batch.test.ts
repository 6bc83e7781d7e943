import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/adapters/config-file.js';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore, DynamoSuppressionStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import type { NewsletterConfig } from '../../functions/core/config.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import type { SendBatchMessage } from '../../functions/ports/send-queue.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { enqueueEdition } from '../../functions/use-cases/run-digest.js';
import { systemClock } from '../../functions/use-cases/send-edition.js';
import { SenderCache, sendQueuedBatch } from '../../functions/use-cases/send-queued-batch.js';
import { FaultySesServer } from '../support/faulty-ses-server.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

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
    await subscribers.put({ id: subscriberId(email), newsletterId: newsletter.id, email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
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
  return { deps, queued };
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
});
