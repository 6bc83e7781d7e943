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
    for (let i = 0; i < readers.length; i += 40) {
      await Promise.all(readers.slice(i, i + 40).map((id) => ledger.claim('weekly-2026-11-29-abc', id, { ...lease, owner: 'run-1' })));
    }

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
