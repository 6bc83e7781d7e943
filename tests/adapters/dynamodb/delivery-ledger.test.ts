import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { DELIVERY_SHARDS, ensureTable, keys } from '../../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { useTestServers } from '../../support/local-servers.js';

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
    await ledger.markSentMany('weekly-2026-11-29-abc', readers.map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })), at);

    const doc = documentClient(servers().dynamodb);
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
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: servers().services.endpoints.dynamodb, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
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
      await ledger.markSentMany('e1', [{ subscriberId: ann, messageId: 'ses-1' }], at);
      requests.length = 0;
      expect(await ledger.claim('e1', ann, { ...lease, owner: 'run-2' })).toBe('already-sent');
      // The refused put, then (dynalite does not return the refused item) one read: no update.
      expect(requests.filter((r) => r !== 'PutItemCommand' && r !== 'GetItemCommand')).toEqual([]);
      expect(requests.length).toBeLessThanOrEqual(2);
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
    await ledger.markSentMany('e2', readers.slice(0, 55).map((id, i) => ({ subscriberId: id, messageId: `ses-${i}` })), at);
    await ledger.markFailed('e2', readers[55]!, 'Throttling', at);
    await ledger.claim('e2', readers[56]!, { ...lease, owner: 'welcome:1' });
    const entries = await ledger.entries('e2', readers);
    expect([...entries.values()].filter((e) => e.status === 'sent')).toHaveLength(55);
    expect(entries.get(readers[55]!)).toEqual({ status: 'failed' });
    expect(entries.get(readers[56]!)).toEqual({ status: 'claimed', owner: 'welcome:1', leaseUntil: lease.leaseUntil });
    // The three never tried have no entry.
    expect(entries.size).toBe(57);
    expect(await ledger.claim('e2', readers[0]!, { ...lease, owner: 'welcome:2' })).toBe('already-sent');
  });
});

describe('DynamoDeliveryLedger', () => {
  const lease = (owner: string, at = '2026-11-29T08:00:00.000Z', until = '2026-11-29T08:10:00.000Z') => ({ at, owner, leaseUntil: until });

  it('lets one sender claim a delivery; another sender finds it in progress until marked sent', async () => {
    const ledger = new DynamoDeliveryLedger(servers().dynamodb, servers().tableName);
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
    const ledger = new DynamoDeliveryLedger(servers().dynamodb, servers().tableName);
    const id = subscriberId(ID_KEY, 'crashed@example.com');
    expect(await ledger.claim('ed-3', id, lease('run-a', '2026-11-29T08:00:00.000Z', '2026-11-29T08:10:00.000Z'))).toBe('claimed');
    expect(await ledger.claim('ed-3', id, lease('run-b', '2026-11-29T08:09:00.000Z'))).toBe('in-progress');
    expect(await ledger.claim('ed-3', id, lease('run-b', '2026-11-29T08:11:00.000Z', '2026-11-29T08:21:00.000Z'))).toBe('claimed');
  });

  it('takes over at once a claim whose owner is known to be gone, and retries a failed delivery', async () => {
    const ledger = new DynamoDeliveryLedger(servers().dynamodb, servers().tableName, { ownerGone: (owner) => owner === 'dead-run' });
    const id = subscriberId(ID_KEY, 'gone@example.com');
    expect(await ledger.claim('ed-4', id, lease('dead-run'))).toBe('claimed');
    expect(await ledger.claim('ed-4', id, lease('live-run'))).toBe('claimed');
    expect(await ledger.claim('ed-4', id, lease('other-run'))).toBe('in-progress');
    await ledger.markFailed('ed-4', id, 'SES refused: Address blacklisted: gone@example.com', at);
    expect(await ledger.claim('ed-4', id, lease('other-run'))).toBe('claimed');
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    const ledger = new DynamoDeliveryLedger(servers().dynamodb, servers().tableName);
    const id = subscriberId(ID_KEY, 'race@example.com');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => ledger.claim('ed-5', id, lease(`run-${i}`))));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r === 'in-progress')).toHaveLength(7);
  });
});
