import { describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import type { EditionRecord } from '../../../functions/ports/edition-store.js';
import { useTestServers } from '../../support/local-servers.js';

const servers = useTestServers();

const at = '2026-11-29T08:00:00.000Z';
describe('DynamoEditionStore', () => {
  it('creates an edition once, keeps its render and remembers sent articles', async () => {
    const store = new DynamoEditionStore(servers().dynamodb, servers().tableName);
    const record: EditionRecord = {
      newsletterId: 'created-once',
      editionId: 'weekly-2026-11-29-aaaa',
      status: 'sending',
      createdAt: at,
      subject: 'S',
      date: '2026-11-29',
      articles: [{ id: 'a1', title: 'T' }],
    };
    const rendered = { subject: 'S', html: '<p>html</p>', text: 'text' };
    expect(await store.create(record, rendered)).toBe(true);
    expect(await store.create(record, rendered)).toBe(false);
    expect(await store.getRendered('created-once', record.editionId)).toEqual(rendered);
    await store.update('created-once', record.editionId, { status: 'sent', finishedAt: at });
    expect(await store.get('created-once', record.editionId)).toMatchObject({ status: 'sent', finishedAt: at, articles: [{ id: 'a1', title: 'T' }] });
    await store.create({ ...record, editionId: 'weekly-2026-11-30-bbbb', createdAt: '2026-11-30T08:00:00.000Z' }, rendered);
    expect((await store.list('created-once', 10)).map((e) => e.editionId)).toEqual(['weekly-2026-11-30-bbbb', 'weekly-2026-11-29-aaaa']);

    const keys = Array.from({ length: 130 }, (_, i) => `article-${i}`);
    await store.markArticlesSent('created-once', record.editionId, keys, at);
    const found = await store.sentArticleKeys('created-once', [...keys, 'new-article']);
    expect(found.size).toBe(130);
    expect(found.has('new-article')).toBe(false);
  });
});

describe('DynamoEditionStore.pause', () => {
  it('lets exactly one of two runs that pass the limit at once pause the edition', async () => {
    const store = new DynamoEditionStore(servers().dynamodb, servers().tableName);
    const record: EditionRecord = {
      newsletterId: 'weekly',
      editionId: 'weekly-2026-12-01-pppp',
      status: 'sending',
      createdAt: at,
      subject: 'S',
      date: '2026-12-01',
      articles: [],
    };
    await store.create(record, { subject: 'S', html: '<p>h</p>', text: 't' });
    const results = await Promise.all([store.pause('weekly', record.editionId, 'bounce rate A'), store.pause('weekly', record.editionId, 'bounce rate B')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await store.get('weekly', record.editionId);
    expect(stored?.status).toBe('paused');
    expect(stored?.pausedReason).toBe(results[0] ? 'bounce rate A' : 'bounce rate B');
  });
});

describe('DynamoEditionStore.listPage', () => {
  it('reads editions newest first a page at a time, to the last page', async () => {
    const store = new DynamoEditionStore(servers().dynamodb, servers().tableName);
    const ids = Array.from({ length: 5 }, (_, i) => `paged-2026-0${i + 1}-01-aaaa`);
    for (const [i, editionId] of ids.entries()) {
      await store.create(
        {
          newsletterId: 'paged',
          editionId,
          status: 'draft',
          createdAt: `2026-0${i + 1}-01T08:00:00.000Z`,
          subject: 'S',
          date: `2026-0${i + 1}-01`,
          articles: [],
        },
        { subject: 'S', html: 'h', text: 't' },
      );
    }
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listPage('paged', { limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.editions.map((e) => e.editionId));
      cursor = page.cursor;
    } while (cursor && pages.length < 10);
    expect(pages.flat()).toEqual([...ids].reverse());
    expect(pages[0]).toHaveLength(2);
  });
});
