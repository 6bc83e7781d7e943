import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { DELIVERY_SHARDS, ensureTable, keys } from '../../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { countingDynamoClient, useTestServers } from '../../support/local-servers.js';

const ID_KEY = randomBytes(32);

const servers = useTestServers();

const at = '2026-11-29T08:00:00.000Z';
const lease = { at, leaseUntil: '2026-11-29T08:10:00.000Z' };
let tables = 0;
async function freshLedger(): Promise<{ ledger: DynamoDeliveryLedger; tableName: string }> {
  const tableName = `ledger-${++tables}`;
  await ensureTable(servers().dynamodb, tableName);
  return { ledger: new DynamoDeliveryLedger(servers().dynamodb, tableName), tableName };
}

describe('DynamoDeliveryLedger partitions', () => {
  it("spreads one edition's deliveries over every partition, evenly, and all of them can still be read back", async () => {
    const { ledger, tableName } = await freshLedger();
    const readers = Array.from({ length: 480 }, (_, i) => subscriberId(ID_KEY, `reader${i}@example.com`));
    await ledger.markSentMany(
      'weekly-2026-11-29-abc',
      readers.map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })),
      at,
    );

    const doc = documentClient(servers().dynamodb);
    const perPartition: number[] = [];
    for (const pk of keys.deliveryPartitions('weekly-2026-11-29-abc')) {
      const page = await doc.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Select: 'COUNT' }),
      );
      perPartition.push(page.Count ?? 0);
    }
    expect(perPartition).toHaveLength(DELIVERY_SHARDS);
    expect(perPartition.reduce((a, b) => a + b, 0)).toBe(readers.length);
    // 30 per partition on average: none is a hot spot holding twice its share.
    expect(Math.max(...perPartition)).toBeLessThan((2 * readers.length) / DELIVERY_SHARDS);
    expect(Math.min(...perPartition)).toBeGreaterThan(0);
  });

  it('writes each sent mark with one item of a BatchWriteItem, and a failure never overwrites a sent delivery', async () => {
    const { tableName } = await freshLedger();
    // A client of its own that counts the requests it makes: the marks' cost in round trips.
    const { client, requests } = countingDynamoClient(servers());
    const ledger = new DynamoDeliveryLedger(client, tableName);
    const readers = Array.from({ length: 25 }, (_, i) => subscriberId(ID_KEY, `mark${i}@example.com`));
    try {
      await ledger.markSentMany(
        'e1',
        readers.map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })),
        at,
      );
      expect(requests).toEqual(['BatchWriteItemCommand']);
      // A late failure report cannot turn a sent delivery back into a failed one.
      await ledger.markFailed('e1', readers[0]!, 'late', at);
      expect((await ledger.entries('e1', [readers[0]!])).get(readers[0]!)).toEqual({ status: 'sent' });
    } finally {
      client.destroy();
    }
  });

  it('locks a delivery group for one sender at a time, says whether it was the first lock, and lets only its owner release it', async () => {
    const { ledger } = await freshLedger();
    expect(await ledger.claimGroup('e1', '3', { ...lease, owner: 'run-1' })).toBe('first');
    // A second run at the same time must not send to the group too; the holder may extend its lock.
    expect(await ledger.claimGroup('e1', '3', { ...lease, owner: 'run-2' })).toBe('in-progress');
    expect(await ledger.claimGroup('e1', '3', { ...lease, owner: 'run-1' })).toBe('claimed');
    await ledger.releaseGroup('e1', '3', 'run-2');
    expect(await ledger.claimGroup('e1', '3', { ...lease, owner: 'run-2' })).toBe('in-progress');
    await ledger.releaseGroup('e1', '3', 'run-1');
    // Released, the group is free, but never "first" again: senders have recorded deliveries in it.
    expect(await ledger.claimGroup('e1', '3', { ...lease, owner: 'run-2' })).toBe('claimed');
    // Groups and editions are separate locks.
    expect(await ledger.claimGroup('e1', '4', { ...lease, owner: 'run-3' })).toBe('first');
    expect(await ledger.claimGroup('e2', '3', { ...lease, owner: 'run-3' })).toBe('first');
  });

  it('lets a later sender take over a group lock whose lease ran out or whose owner is gone, and exactly one of many at once', async () => {
    const { ledger, tableName } = await freshLedger();
    expect(await ledger.claimGroup('e1', '0', { at, owner: 'run-a', leaseUntil: '2026-11-29T08:10:00.000Z' })).toBe('first');
    expect(await ledger.claimGroup('e1', '0', { at: '2026-11-29T08:09:00.000Z', owner: 'run-b', leaseUntil: '2026-11-29T08:19:00.000Z' })).toBe('in-progress');
    expect(await ledger.claimGroup('e1', '0', { at: '2026-11-29T08:11:00.000Z', owner: 'run-b', leaseUntil: '2026-11-29T08:21:00.000Z' })).toBe('claimed');

    const knowing = new DynamoDeliveryLedger(servers().dynamodb, tableName, { ownerGone: (owner) => owner === 'dead-run' });
    expect(await knowing.claimGroup('e1', '1', { ...lease, owner: 'dead-run' })).toBe('first');
    expect(await knowing.claimGroup('e1', '1', { ...lease, owner: 'live-run' })).toBe('claimed');

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.claimGroup('e1', '2', { ...lease, owner: `run-${i}` })));
    expect(results.filter((r) => r === 'first')).toHaveLength(1);
    expect(results.filter((r) => r === 'in-progress')).toHaveLength(7);
  });

  it('records many sends in one go, past the 25-item limit of one write, and reads back where each reader stands', async () => {
    const { ledger } = await freshLedger();
    const readers = Array.from({ length: 60 }, (_, i) => subscriberId(ID_KEY, `many${i}@example.com`));
    await ledger.markSentMany(
      'e2',
      readers.slice(0, 55).map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })),
      at,
    );
    await ledger.markFailed('e2', readers[55]!, 'Throttling', at);
    const entries = await ledger.entries('e2', readers);
    expect([...entries.values()].filter((e) => e.status === 'sent')).toHaveLength(55);
    expect(entries.get(readers[55]!)).toEqual({ status: 'failed' });
    // The four never tried have no entry.
    expect(entries.size).toBe(56);
  });
});
