import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoFeedbackLog, DynamoSubscriberStore, DynamoSuppressionStore, FEEDBACK_RECORD_DAYS } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { subscriberId, type Subscriber } from '../../../functions/core/subscriber.js';
import type { EditionRecord } from '../../../functions/ports/edition-store.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

const at = '2026-11-29T08:00:00.000Z';
function subscriber(email: string, status: Subscriber['status'] = 'confirmed', newsletterId = 'weekly'): Subscriber {
  return { id: subscriberId(ID_KEY, email), newsletterId, email, status, createdAt: at };
}

describe('DynamoSubscriberStore', () => {
  it('pages through confirmed subscribers only, every one exactly once', async () => {
    const store = new DynamoSubscriberStore(servers.dynamodb, servers.tableName);
    for (let i = 0; i < 23; i++) await store.put(subscriber(`reader${i}@example.com`));
    for (let i = 0; i < 5; i++) await store.put(subscriber(`pending${i}@example.com`, 'pending'));
    await store.put(subscriber('other-list@example.com', 'confirmed', 'daily'));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.list('weekly', { status: 'confirmed', limit: 10, ...(cursor ? { cursor } : {}) });
      expect(page.subscribers.length).toBeLessThanOrEqual(10);
      seen.push(...page.subscribers.map((s) => s.email));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(23);
    expect(seen.every((e) => e.startsWith('reader'))).toBe(true);
    expect(await store.count('weekly', 'confirmed')).toBe(23);
    expect(await store.count('weekly', 'pending')).toBe(5);
  });

  it('adds only when absent, updates and deletes', async () => {
    const store = new DynamoSubscriberStore(servers.dynamodb, servers.tableName);
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

describe('DynamoSuppressionStore', () => {
  it('suppresses by id and counts soft bounces', async () => {
    const store = new DynamoSuppressionStore(servers.dynamodb, servers.tableName);
    const id = subscriberId(ID_KEY, 'bounce@example.com');
    expect(await store.isSuppressed(id)).toBe(false);
    expect(await store.recordSoftBounce(id, at)).toBe(1);
    expect(await store.recordSoftBounce(id, at)).toBe(2);
    expect(await store.isSuppressed(id)).toBe(false);
    await store.suppress(id, 'hard bounce', at);
    expect(await store.isSuppressed(id)).toBe(true);
  });
});

describe('DynamoFeedbackLog', () => {
  it('claims an SES feedback id once, and records when it may be forgotten', async () => {
    const log = new DynamoFeedbackLog(servers.dynamodb, servers.tableName);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(true);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(false);
    expect(await log.claim('0100-msg#0100-other', at)).toBe(true);
    const key = keys.feedback('0100-msg#0100-feedback');
    const { Item } = await servers.dynamodb.send(new GetItemCommand({ TableName: servers.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    expect(Number(Item!.expiresAt!.N)).toBe(Date.parse(at) / 1000 + FEEDBACK_RECORD_DAYS * 86400);
  });
});

describe('DynamoDeliveryLedger', () => {
  const lease = (owner: string, at = '2026-11-29T08:00:00.000Z', until = '2026-11-29T08:10:00.000Z') => ({ at, owner, leaseUntil: until });

  it('lets one sender claim a delivery; another sender finds it in progress until marked sent', async () => {
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, servers.tableName);
    const id = subscriberId(ID_KEY, 'ledger@example.com');
    expect(await ledger.claim('ed-1', id, lease('run-a'))).toBe('claimed');
    // A second run at the same time must not send it too.
    expect(await ledger.claim('ed-1', id, lease('run-b'))).toBe('in-progress');
    // The same run may claim again (a retry inside it).
    expect(await ledger.claim('ed-1', id, lease('run-a'))).toBe('claimed');
    await ledger.markSent('ed-1', id, 'msg-1', at);
    expect(await ledger.claim('ed-1', id, lease('run-b'))).toBe('already-sent');
    // A late failure report cannot turn a sent delivery back into a failed one.
    await ledger.markFailed('ed-1', id, 'late', at);
    expect(await ledger.claim('ed-1', id, lease('run-c'))).toBe('already-sent');
    expect(await ledger.claim('ed-2', id, lease('run-c'))).toBe('claimed');
  });

  it('lets a later run take over a claim whose lease ran out (the claimer crashed)', async () => {
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, servers.tableName);
    const id = subscriberId(ID_KEY, 'crashed@example.com');
    expect(await ledger.claim('ed-3', id, lease('run-a', '2026-11-29T08:00:00.000Z', '2026-11-29T08:10:00.000Z'))).toBe('claimed');
    expect(await ledger.claim('ed-3', id, lease('run-b', '2026-11-29T08:09:00.000Z'))).toBe('in-progress');
    expect(await ledger.claim('ed-3', id, lease('run-b', '2026-11-29T08:11:00.000Z', '2026-11-29T08:21:00.000Z'))).toBe('claimed');
  });

  it('takes over at once a claim whose owner is known to be gone, and retries a failed delivery', async () => {
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, servers.tableName, { ownerGone: (owner) => owner === 'dead-run' });
    const id = subscriberId(ID_KEY, 'gone@example.com');
    expect(await ledger.claim('ed-4', id, lease('dead-run'))).toBe('claimed');
    expect(await ledger.claim('ed-4', id, lease('live-run'))).toBe('claimed');
    expect(await ledger.claim('ed-4', id, lease('other-run'))).toBe('in-progress');
    await ledger.markFailed('ed-4', id, 'SES refused: Address blacklisted: gone@example.com', at);
    expect(await ledger.claim('ed-4', id, lease('other-run'))).toBe('claimed');
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, servers.tableName);
    const id = subscriberId(ID_KEY, 'race@example.com');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.claim('ed-5', id, lease(`run-${i}`))));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'in-progress')).toHaveLength(7);
  });
});

describe('DynamoEditionStore', () => {
  it('creates an edition once, keeps its render and remembers sent articles', async () => {
    const store = new DynamoEditionStore(servers.dynamodb, servers.tableName);
    const record: EditionRecord = { newsletterId: 'weekly', editionId: 'weekly-2026-11-29-aaaa', status: 'sending', createdAt: at, subject: 'S', date: '2026-11-29', articles: [{ id: 'a1', title: 'T' }] };
    const rendered = { subject: 'S', html: '<p>html</p>', text: 'text' };
    expect(await store.create(record, rendered)).toBe(true);
    expect(await store.create(record, rendered)).toBe(false);
    expect(await store.getRendered('weekly', record.editionId)).toEqual(rendered);
    await store.update('weekly', record.editionId, { status: 'sent', finishedAt: at });
    expect(await store.get('weekly', record.editionId)).toMatchObject({ status: 'sent', finishedAt: at, articles: [{ id: 'a1', title: 'T' }] });
    await store.create({ ...record, editionId: 'weekly-2026-11-30-bbbb', createdAt: '2026-11-30T08:00:00.000Z' }, rendered);
    expect((await store.list('weekly', 10)).map((e) => e.editionId)).toEqual(['weekly-2026-11-30-bbbb', 'weekly-2026-11-29-aaaa']);

    const keys = Array.from({ length: 130 }, (_, i) => `article-${i}`);
    await store.markArticlesSent('weekly', record.editionId, keys, at);
    const found = await store.sentArticleKeys('weekly', [...keys, 'new-article']);
    expect(found.size).toBe(130);
    expect(found.has('new-article')).toBe(false);
  });
});

describe('DynamoEditionStore.pause', () => {
  it('lets exactly one of two runs that pass the limit at once pause the edition', async () => {
    const store = new DynamoEditionStore(servers.dynamodb, servers.tableName);
    const record: EditionRecord = { newsletterId: 'weekly', editionId: 'weekly-2026-12-01-pppp', status: 'sending', createdAt: at, subject: 'S', date: '2026-12-01', articles: [] };
    await store.create(record, { subject: 'S', html: '<p>h</p>', text: 't' });
    const results = await Promise.all([store.pause('weekly', record.editionId, 'bounce rate A'), store.pause('weekly', record.editionId, 'bounce rate B')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await store.get('weekly', record.editionId);
    expect(stored?.status).toBe('paused');
    expect(stored?.pausedReason).toBe(results[0] ? 'bounce rate A' : 'bounce rate B');
  });
});

describe('DynamoSubscriberStore.claimConfirmationSend', () => {
  it('lets one of two simultaneous requests send a confirmation, and another only after the cutoff', async () => {
    const store = new DynamoSubscriberStore(servers.dynamodb, servers.tableName);
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

describe('DynamoSuppressionStore.suppressedAmong', () => {
  it('answers for a whole page of readers in one go: only the suppressed ones, past the 100-key limit of one read', async () => {
    const store = new DynamoSuppressionStore(servers.dynamodb, servers.tableName);
    const ids = Array.from({ length: 230 }, (_, i) => subscriberId(ID_KEY, `among${i}@example.com`));
    for (const i of [3, 150, 229]) await store.suppress(ids[i]!, 'hard bounce', at);
    // A soft bounce alone is not a suppression.
    await store.recordSoftBounce(ids[4]!, at);
    expect(await store.suppressedAmong(ids)).toEqual(new Set([ids[3], ids[150], ids[229]]));
    expect(await store.suppressedAmong([])).toEqual(new Set());
  });
});
