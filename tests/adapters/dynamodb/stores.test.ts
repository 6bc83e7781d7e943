import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoStores } from '../../../functions/adapters/dynamodb/stores.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

const at = '2026-11-29T08:00:00.000Z';
const leaseUntil = '2026-11-29T08:10:00.000Z';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

describe('dynamoStores', () => {
  it('builds every store on one table: the lookup sees what the ledger wrote; the ledger takes over a lock whose owner is known to be gone', async () => {
    const tableName = 'stores';
    await ensureTable(servers.dynamodb, tableName);
    const stores = dynamoStores(servers.dynamodb, tableName, { ownerGone: (owner) => owner === 'local:crashed' });

    expect(await stores.ledger.claimGroup('ed-1', '0', { at, owner: 'local:crashed', leaseUntil })).toBe('first');
    // The lease has not run out, but its owner is gone: the option reached the ledger.
    expect(await stores.ledger.claimGroup('ed-1', '0', { at, owner: 'local:next', leaseUntil })).toBe('claimed');
    expect(await stores.ledger.claimGroup('ed-1', '1', { at, owner: 'lambda:1', leaseUntil })).toBe('first');
    expect(await stores.ledger.claimGroup('ed-1', '1', { at, owner: 'local:next', leaseUntil })).toBe('in-progress');
    await stores.ledger.markSentMany('ed-1', [{ subscriberId: 'sub-a', messageId: 'm-1' }], at);
    await stores.ledger.markFailed('ed-1', 'sub-b', 'Throttling', at);

    const states = await stores.deliveries.states('ed-1', ['sub-a', 'sub-b', 'sub-c']);
    expect(Object.fromEntries(states)).toEqual({ 'sub-a': 'sent', 'sub-b': 'failed' });
  });
});
