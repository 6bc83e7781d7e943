import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoDeliveryLookup } from '../../../functions/adapters/dynamodb/delivery-lookup.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

const ID_KEY = randomBytes(32);
const at = '2026-11-29T08:00:00.000Z';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

describe('DynamoDeliveryLookup', () => {
  it("tells sent and failed deliveries apart across the edition's partitions, and lists every failed one with its reason", async () => {
    const tableName = 'lookup';
    await ensureTable(servers.dynamodb, tableName);
    const ledger = new DynamoDeliveryLedger(servers.dynamodb, tableName);
    const lookup = new DynamoDeliveryLookup(servers.dynamodb, tableName);
    // 250 readers: more than one BatchGet (100 keys) and spread over all 16 partitions.
    const readers = Array.from({ length: 250 }, (_, i) => subscriberId(ID_KEY, `reader${i}@example.com`));
    const failed = readers.filter((_, i) => i % 10 === 3);
    const sent: { subscriberId: string; messageId: string }[] = [];
    for (const [i, id] of readers.entries()) {
      if (i % 5 === 4 || i % 5 === 2) continue; // never tried, or not reached yet
      if (i % 10 === 3) await ledger.markFailed('ed-1', id, 'Throttling after 8 retries', at);
      else sent.push({ subscriberId: id, messageId: `m-${i}` });
    }
    await ledger.markSentMany('ed-1', sent, at);
    // Another edition's failures are not this edition's.
    await ledger.markFailed('ed-2', readers[0]!, 'other', at);

    const states = await lookup.states('ed-1', readers);
    expect(states.get(readers[0]!)).toBe('sent');
    expect(states.has(readers[2]!)).toBe(false);
    expect(states.get(readers[3]!)).toBe('failed');
    expect(states.has(readers[4]!)).toBe(false);
    expect([...states.values()].filter((s) => s === 'sent')).toHaveLength(125);

    const listed = [];
    for await (const page of lookup.failed('ed-1')) listed.push(...page);
    expect(listed.map((f) => f.subscriberId).sort()).toEqual([...failed].sort());
    expect(listed.every((f) => f.reason === 'Throttling after 8 retries')).toBe(true);
  });
});
