import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoFeedbackLog, DynamoSubscriberStore, DynamoSuppressionStore, FEEDBACK_RECORD_DAYS } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
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

describe('DynamoSuppressionStore', () => {
  it('suppresses by id and counts soft bounces', async () => {
    const store = new DynamoSuppressionStore(servers().dynamodb, servers().tableName);
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
    const log = new DynamoFeedbackLog(servers().dynamodb, servers().tableName);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(true);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(false);
    expect(await log.claim('0100-msg#0100-other', at)).toBe(true);
    const key = keys.feedback('0100-msg#0100-feedback');
    const { Item } = await servers().dynamodb.send(new GetItemCommand({ TableName: servers().tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    expect(Number(Item!.expiresAt!.N)).toBe(Date.parse(at) / 1000 + FEEDBACK_RECORD_DAYS * 86400);
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

describe('DynamoSuppressionStore.suppressedAmong', () => {
  it('answers for a whole page of readers in one go: only the suppressed ones, past the 100-key limit of one read', async () => {
    const store = new DynamoSuppressionStore(servers().dynamodb, servers().tableName);
    const ids = Array.from({ length: 230 }, (_, i) => subscriberId(ID_KEY, `among${i}@example.com`));
    for (const i of [3, 150, 229]) await store.suppress(ids[i]!, 'hard bounce', at);
    // A soft bounce alone is not a suppression.
    await store.recordSoftBounce(ids[4]!, at);
    expect(await store.suppressedAmong(ids)).toEqual(new Set([ids[3], ids[150], ids[229]]));
    expect(await store.suppressedAmong([])).toEqual(new Set());
  });
});
