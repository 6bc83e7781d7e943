import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import type { EditionRecord, EditionStatus } from '../../functions/ports/edition-store.js';
import { parseHTML } from 'linkedom';
import { archiveUrlFor } from '../../functions/core/archive.js';
import { buildEditionModel } from '../../functions/core/edition.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { archiveFeed, listArchive, publicCopy } from '../../functions/use-cases/archive.js';
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
    return {
      newsletterId: newsletter.id,
      editionId: `${newsletter.id}-${date}-${String(i).padStart(8, '0')}`,
      status,
      createdAt: day.toISOString(),
      subject: `Edition ${date}`,
      date,
      articles: [{ id: `a${i}`, title: `Article ${i}` }],
    };
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

describe('archiveFeed', () => {
  it("carries each edition's key points in its summary, and the titles alone for an edition stored without them", async () => {
    const mine = { ...newsletter, id: 'feed-weekly' };
    const base = { newsletterId: mine.id, status: 'sent' as const, date: '2025-03-01' };
    await editions.create(
      {
        ...base,
        editionId: 'feed-weekly-2025-03-01-00000001',
        createdAt: '2025-03-01T08:00:00.000Z',
        subject: 'With points',
        articles: [{ id: 'a', title: 'Chips get cheaper', keyPoints: ['Prices fell by a third.', 'Supply doubled.'] }],
      },
      { subject: 'With points', html: '<p>x</p>', text: 'x' },
    );
    await editions.create(
      {
        ...base,
        editionId: 'feed-weekly-2025-03-01-00000002',
        createdAt: '2025-03-01T07:00:00.000Z',
        subject: 'Old one',
        articles: [{ id: 'b', title: 'An older story' }],
      },
      { subject: 'Old one', html: '<p>x</p>', text: 'x' },
    );
    const summaries = Array.from(parseHTML(await archiveFeed(editions, mine, START)).document.querySelectorAll('summary'), (s) => s.textContent);
    expect(summaries).toEqual(['Chips get cheaper\n- Prices fell by a third.\n- Supply doubled.', 'An older story']);
  });
});

describe('publicCopy', () => {
  it('speaks to a visitor, not a subscriber, and links the sign-up page and the archive', async () => {
    const built = buildEditionModel({
      newsletter,
      articles: [{ id: 'a', title: 'Chips get cheaper', keyPoints: ['Prices fell by a third.'], location: 'a.md' }],
      now: START,
    });
    const rendered = await renderEdition({ ...built, webUrl: archiveUrlFor(newsletter.baseUrl, built.editionId) });
    const { html, text } = publicCopy(newsletter, built.editionId, rendered);
    const { document } = parseHTML(html);
    for (const copy of [document.body.textContent ?? '', text]) {
      expect(copy).not.toContain('You are receiving this because you subscribed');
      expect(copy).toContain('You are reading the web copy of an edition of AI Weekly.');
    }
    expect(document.querySelector(`a[href="${newsletter.baseUrl}/subscribe?newsletter=weekly-en"]`)?.textContent).toBe('Subscribe');
    expect(document.querySelector(`a[href="${newsletter.baseUrl}/archive?newsletter=weekly-en"]`)?.textContent).toBe('Read past editions');
  });
});
