import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import type { EditionRecord, EditionStatus } from '../../functions/ports/edition-store.js';
import { archiveFeed, listArchive } from '../../functions/use-cases/archive.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { START, testNewsletters } from '../support/subscription-fixtures.js';

/** The public archive of a newsletter, read from real dynalite. */
let servers: TestServers;
let editions: DynamoEditionStore;
const newsletter = testNewsletters()[1]!;

beforeAll(async () => {
  servers = await startTestServers();
  editions = new DynamoEditionStore(servers.dynamodb, servers.tableName);
});
afterAll(async () => servers?.stop());

/** Editions one a day from `first`, with the given statuses, oldest first. */
async function store(statuses: EditionStatus[], first: Date): Promise<EditionRecord[]> {
  const records = statuses.map((status, i): EditionRecord => {
    const day = new Date(first.getTime() + i * 24 * 3600_000);
    const date = day.toISOString().slice(0, 10);
    return { newsletterId: newsletter.id, editionId: `${newsletter.id}-${date}-${String(i).padStart(8, '0')}`, status, createdAt: day.toISOString(), subject: `Edition ${date}`, date, articles: [{ id: `a${i}`, title: `Article ${i}` }] };
  });
  for (const record of records) await editions.create(record, { subject: record.subject, html: '<p>edition</p>', text: 'edition' });
  return records;
}

describe('listArchive', () => {
  it('finds the public editions behind many newer drafts and skipped editions, newest first', async () => {
    const published = await store(['sent', 'sent', 'sending'], new Date('2025-01-01T08:00:00Z'));
    await store([...Array(20).fill('draft'), ...Array(10).fill('skipped')], new Date('2025-02-01T08:00:00Z'));

    const listed = await listArchive(editions, newsletter, 2);
    expect(listed.map((e) => e.editionId)).toEqual([published[2]!.editionId, published[1]!.editionId]);
    expect((await listArchive(editions, newsletter, 10)).map((e) => e.editionId)).toEqual(published.map((e) => e.editionId).reverse());

    const feed = await archiveFeed(editions, newsletter, START);
    for (const edition of published) expect(feed).toContain(edition.subject);
    expect(feed).not.toContain('2025-02-');
  });
});
