import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { DELIVERY_SHARDS, ensureTable, keys } from '../../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

const ID_KEY = randomBytes(32);

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

const at = '2026-11-29T08:00:00.000Z';
const lease = { at, leaseUntil: '2026-11-29T08:10:00.000Z' };
let tables = 0;
async function freshLedger(): Promise<{ ledger: DynamoDeliveryLedger; tableName: string }> {
  const tableName = `ledger-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  return { ledger: new DynamoDeliveryLedger(servers.dynamodb, tableName), tableName };
}

describe('DynamoDeliveryLedger partitions', () => {
  it("spreads one edition's deliveries over every partition, evenly, and all of them can still be read back", async () => {
    const { ledger, tableName } = await freshLedger();
    const readers = Array.from({ length: 480 }, (_, i) => subscriberId(ID_KEY, `reader${i}@example.com`));
    for (let i = 0; i < readers.length; i += 40) {
      await Promise.all(readers.slice(i, i + 40).map((id) => ledger.claim('weekly-2026-11-29-abc', id, { ...lease, owner: 'run-1' })));
    }

    const doc = documentClient(servers.dynamodb);
    const perPartition: number[] = [];
    for (const pk of keys.deliveryPartitions('weekly-2026-11-29-abc')) {
      const page = await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Select: 'COUNT' }));
      perPartition.push(page.Count ?? 0);
    }
    expect(perPartition).toHaveLength(DELIVERY_SHARDS);
    expect(perPartition.reduce((a, b) => a + b, 0)).toBe(readers.length);
    // 30 per partition on average: none is a hot spot holding twice its share.
    expect(Math.max(...perPartition)).toBeLessThan((2 * readers.length) / DELIVERY_SHARDS);
    expect(Math.min(...perPartition)).toBeGreaterThan(0);
  });

  it('keeps exactly-once across partitions: a claimed delivery is in progress for another run, sent stays sent', async () => {
    const { ledger } = await freshLedger();
    const id = subscriberId(ID_KEY, 'ann@example.com');
    expect(await ledger.claim('e1', id, { ...lease, owner: 'run-1' })).toBe('claimed');
    expect(await ledger.claim('e1', id, { ...lease, owner: 'run-2' })).toBe('in-progress');
    await ledger.markSent('e1', id, 'ses-1', at);
    expect(await ledger.claim('e1', id, { ...lease, owner: 'run-2' })).toBe('already-sent');
  });

  it('claims a new delivery with one write and answers a sent one without writing again', async () => {
    const { tableName } = await freshLedger();
    // A client of its own that counts the requests it makes: the claim's cost in round trips.
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: servers.services.endpoints.dynamodb, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const requests: string[] = [];
    client.middlewareStack.add((next, context) => (args) => {
      requests.push(String(context.commandName));
      return next(args);
    }, { step: 'initialize' });
    const ledger = new DynamoDeliveryLedger(client, tableName);
    const ann = subscriberId(ID_KEY, 'ann@example.com');
    try {
      expect(await ledger.claim('e1', ann, { ...lease, owner: 'run-1' })).toBe('claimed');
      expect(requests).toEqual(['PutItemCommand']);
      await ledger.markSentMany('e1', [{ subscriberId: ann, messageId: 'ses-1' }], 'run-1', at);
      requests.length = 0;
      expect(await ledger.claim('e1', ann, { ...lease, owner: 'run-2' })).toBe('already-sent');
      // The refused put, then (dynalite does not return the refused item) one read: no update.
      expect(requests.filter((r) => r !== 'PutItemCommand' && r !== 'GetItemCommand')).toEqual([]);
      expect(requests.length).toBeLessThanOrEqual(2);
    } finally {
      client.destroy();
    }
  });

  it('gives back an unsent claim of its own owner only, never a sent delivery', async () => {
    const { ledger } = await freshLedger();
    const ann = subscriberId(ID_KEY, 'ann@example.com');
    const bob = subscriberId(ID_KEY, 'bob@example.com');
    await ledger.claim('e1', ann, { ...lease, owner: 'run-1' });
    await ledger.release('e1', ann, 'run-2');
    expect(await ledger.claim('e1', ann, { ...lease, owner: 'run-3' })).toBe('in-progress');
    await ledger.release('e1', ann, 'run-1');
    expect(await ledger.claim('e1', ann, { ...lease, owner: 'run-3' })).toBe('claimed');

    await ledger.claim('e1', bob, { ...lease, owner: 'run-1' });
    await ledger.markSent('e1', bob, 'ses-2', at);
    await ledger.release('e1', bob, 'run-1');
    expect(await ledger.claim('e1', bob, { ...lease, owner: 'run-3' })).toBe('already-sent');
  });

  it('records many sends in one go, past the 25-item limit of one write: each is then already sent for every run', async () => {
    const { ledger } = await freshLedger();
    const readers = Array.from({ length: 60 }, (_, i) => subscriberId(ID_KEY, `many${i}@example.com`));
    for (const id of readers) await ledger.claim('e2', id, { ...lease, owner: 'run-1' });
    await ledger.markSentMany('e2', readers.slice(0, 55).map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })), 'run-1', at);
    const later = await Promise.all(readers.map((id) => ledger.claim('e2', id, { ...lease, at: '2026-11-29T09:00:00.000Z', owner: 'run-2' })));
    expect(later.filter((r) => r === 'already-sent')).toHaveLength(55);
    // The five never recorded are taken over once their lease has run out: at most these are sent twice.
    expect(later.filter((r) => r === 'claimed')).toHaveLength(5);
  });
});

