import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoDeliveryLookup } from '../../functions/adapters/dynamodb/delivery-lookup.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import type { EditionRecord } from '../../functions/ports/edition-store.js';
import { editionDetails, editionsSentLately, latestEditions, nextRunWaitsFor } from '../../functions/use-cases/edition-history.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

const ID_KEY = randomBytes(32);
const at = '2026-11-30T08:00:00.000Z';

let servers: TestServers;
let tables = 0;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

/** A table on real dynalite with these editions of `weekly` (created in order, oldest first). */
async function withEditions(...states: Partial<EditionRecord>[]) {
  const tableName = `history-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const editions = new DynamoEditionStore(servers.dynamodb, tableName);
  for (const [i, state] of states.entries()) {
    const date = `2026-11-${String(10 + i).padStart(2, '0')}`;
    await editions.create(
      {
        newsletterId: 'weekly',
        editionId: `weekly-${date}`,
        status: 'sent',
        createdAt: `${date}T08:00:00.000Z`,
        subject: `S${i}`,
        date,
        articles: [],
        ...state,
      },
      { subject: 'S', html: '<p>S</p>', text: 'S' },
    );
  }
  return {
    tableName,
    editions,
    ledger: new DynamoDeliveryLedger(servers.dynamodb, tableName),
    deliveries: new DynamoDeliveryLookup(servers.dynamodb, tableName),
  };
}

describe('latestEditions', () => {
  it('lists the newest first, as many as asked', async () => {
    const { editions } = await withEditions({}, {}, {});
    expect((await latestEditions({ editions }, 'weekly', 2)).map((e) => e.editionId)).toEqual(['weekly-2026-11-12', 'weekly-2026-11-11']);
  });
});

describe('editionsSentLately', () => {
  it('keeps the editions that went out or are going out, newest first, leaving drafts and skipped ones out', async () => {
    const { editions } = await withEditions(
      { editionId: 'ed-sent' },
      { status: 'skipped' },
      { status: 'paused', editionId: 'ed-paused' },
      { status: 'draft' },
      { status: 'sending', editionId: 'ed-sending' },
    );
    const shown = await editionsSentLately({ editions }, 'weekly', { shown: 2, among: 5 });
    expect(shown.map((e) => e.editionId)).toEqual(['ed-sending', 'ed-paused']);
  });

  it('looks no further back than `among`', async () => {
    const { editions } = await withEditions({ editionId: 'ed-old' }, { status: 'draft' }, { status: 'draft' });
    expect(await editionsSentLately({ editions }, 'weekly', { shown: 5, among: 2 })).toEqual([]);
  });
});

describe('editionDetails', () => {
  it('counts every failed delivery from the ledger but lists only the first few', async () => {
    const { editions, ledger, deliveries } = await withEditions({ editionId: 'ed-1' });
    for (let i = 0; i < 5; i++) await ledger.markFailed('ed-1', subscriberId(ID_KEY, `r${i}@example.com`), 'Throttling', at);
    const details = await editionDetails({ editions, deliveries }, 'weekly', 'ed-1', { shown: 3 });
    expect(details.status).toBe('found');
    expect(details.status === 'found' && details.failures).toMatchObject({
      count: 5,
      first: [{ reason: 'Throttling' }, { reason: 'Throttling' }, { reason: 'Throttling' }],
    });
  });

  it('reads no ledger where the place gives none (a local run keeps its own report)', async () => {
    const { editions } = await withEditions({ editionId: 'ed-1' });
    expect(await editionDetails({ editions }, 'weekly', 'ed-1', { shown: 3 })).toEqual({
      status: 'found',
      edition: expect.objectContaining({ editionId: 'ed-1' }),
    });
  });

  it('says missing for an edition that is not there', async () => {
    const { editions, deliveries } = await withEditions({});
    expect(await editionDetails({ editions, deliveries }, 'weekly', 'nope', { shown: 3 })).toEqual({ status: 'missing' });
  });
});

describe('nextRunWaitsFor', () => {
  it('names the unfinished edition the next digest finishes first', async () => {
    const { editions } = await withEditions({}, { status: 'sending', editionId: 'ed-sending' });
    expect(await nextRunWaitsFor({ editions }, { id: 'weekly', approval: 'auto' })).toMatchObject({ for: 'unfinished', edition: { editionId: 'ed-sending' } });
  });

  it('names the draft waiting for review only where the newsletter asks for review', async () => {
    const { editions } = await withEditions({}, { status: 'draft', editionId: 'ed-draft' });
    expect(await nextRunWaitsFor({ editions }, { id: 'weekly', approval: 'manual' })).toMatchObject({ for: 'review', edition: { editionId: 'ed-draft' } });
    expect(await nextRunWaitsFor({ editions }, { id: 'weekly', approval: 'auto' })).toEqual({ for: 'nothing' });
  });
});
