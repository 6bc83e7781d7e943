import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLookup } from '../../functions/adapters/dynamodb/delivery-lookup.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { isFanOut, type SendQueueMessage } from '../../functions/core/delivery/queue-messages.js';
import type { EditionStatus } from '../../functions/core/edition-lifecycle.js';
import { approveAndQueue, approveDraft, draftToDecide, skipDraft } from '../../functions/use-cases/review-edition.js';
import { useTestServers } from '../support/local-servers.js';
import { testNewsletter } from '../support/newsletters.js';

/** The operator's approve and skip of a draft, over editions stored in real dynalite. */
const servers = useTestServers();
const newsletter = testNewsletter({ approval: 'manual' });
const article = { id: 'article-1', urlKey: 'example.org/articles/port-strike' };

/** An edition in `status` in a table of its own, its articles held (marked sent) by it. */
async function setUp(status: EditionStatus = 'draft') {
  const tableName = `review-${randomUUID()}`;
  await ensureTable(servers().dynamodb, tableName);
  const editions = new DynamoEditionStore(servers().dynamodb, tableName);
  const editionId = `${newsletter.id}-2026-12-01-00000001`;
  await editions.create(
    {
      newsletterId: newsletter.id,
      editionId,
      status,
      createdAt: '2026-12-01T08:00:00Z',
      subject: 'Weekly',
      date: '2026-12-01',
      articles: [{ ...article, title: 'Port strike', keyPoints: ['Dockers walk out.'] }],
    },
    { subject: 'Weekly', html: '<p>x</p>', text: 'x' },
  );
  await editions.markArticlesSent(newsletter.id, editionId, [article.id, article.urlKey], '2026-12-01T08:00:00Z');
  return { editions, editionId, tableName };
}

describe('approveDraft', () => {
  it('moves the draft to sending once: of two approvals at once exactly one goes ahead', async () => {
    const { editions, editionId } = await setUp();
    const decisions = await Promise.all([approveDraft(editions, newsletter, editionId), approveDraft(editions, newsletter, editionId)]);
    expect(decisions.map((d) => d.status).sort()).toEqual(['approved', 'not-draft']);
    expect((await editions.get(newsletter.id, editionId))?.status).toBe('sending');
    expect(decisions.find((d) => d.status === 'not-draft')).toMatchObject({ edition: { status: 'sending' } });
  });

  it('answers not-found for an edition that is not there', async () => {
    const { editions } = await setUp();
    expect(await approveDraft(editions, newsletter, `${newsletter.id}-2026-12-08-00000009`)).toEqual({ status: 'not-found' });
  });
});

describe('skipDraft', () => {
  it('skips the draft and releases its articles for the next edition', async () => {
    const { editions, editionId } = await setUp();
    expect(await skipDraft(editions, newsletter, editionId)).toMatchObject({ status: 'skipped', edition: { status: 'skipped' } });
    expect((await editions.get(newsletter.id, editionId))?.status).toBe('skipped');
    expect(await editions.sentArticleKeys(newsletter.id, [article.id, article.urlKey])).toEqual(new Set());
  });

  it('changes nothing for an edition already approved: it stays sending and keeps its articles', async () => {
    const { editions, editionId } = await setUp('sending');
    expect(await skipDraft(editions, newsletter, editionId)).toMatchObject({ status: 'not-draft', edition: { status: 'sending' } });
    expect(await editions.sentArticleKeys(newsletter.id, [article.id, article.urlKey])).toEqual(new Set([article.id, article.urlKey]));
  });
});

describe('approveAndQueue', () => {
  it("queues every confirmed reader for the stack's senders once; a second approval queues nothing", async () => {
    const { editions, editionId, tableName } = await setUp();
    const subscribers = new DynamoSubscriberStore(servers().dynamodb, tableName);
    const readers = ['ann', 'bo', 'cy'].map((name) => ({
      id: `${name}-id`,
      newsletterId: newsletter.id,
      email: `${name}@example.com`,
      status: name === 'cy' ? ('pending' as const) : ('confirmed' as const),
      createdAt: '2026-11-01T00:00:00Z',
    }));
    for (const reader of readers) await subscribers.put(reader);
    const queued: SendQueueMessage[] = [];
    const deps = {
      editions,
      subscribers,
      deliveries: new DynamoDeliveryLookup(servers().dynamodb, tableName),
      queue: { enqueue: async (messages: SendQueueMessage[]) => void queued.push(...messages) },
      clock: new VirtualClock(Date.parse('2026-12-01T09:00:00Z')),
    };

    const first = await approveAndQueue(newsletter, editionId, deps);
    expect(first).toMatchObject({ decision: { status: 'approved' }, queued: { status: 'queued', queued: 2 } });
    const batches = queued.filter((m) => !isFanOut(m));
    expect(batches.flatMap((m) => ('subscriberIds' in m ? m.subscriberIds : [])).sort()).toEqual(['ann-id', 'bo-id']);

    const again = await approveAndQueue(newsletter, editionId, deps);
    expect(again).toEqual({ decision: { status: 'not-draft', edition: expect.objectContaining({ status: 'sending' }) } });
    expect(queued.filter((m) => !isFanOut(m))).toHaveLength(batches.length);
  });
});

describe('draftToDecide', () => {
  it('gives the draft a link names, and leaves it a draft', async () => {
    const { editions, editionId } = await setUp('draft');
    expect(await draftToDecide(editions, newsletter, editionId)).toMatchObject({ status: 'draft', edition: { subject: 'Weekly' } });
    expect((await editions.get(newsletter.id, editionId))?.status).toBe('draft');
  });

  it('says an edition already approved, skipped or sent is no longer a draft', async () => {
    const { editions, editionId } = await setUp('sent');
    expect(await draftToDecide(editions, newsletter, editionId)).toMatchObject({ status: 'not-draft', edition: { status: 'sent' } });
  });

  it('says not found for an edition that is not there', async () => {
    const { editions } = await setUp();
    expect(await draftToDecide(editions, newsletter, 'weekly-missing')).toEqual({ status: 'not-found' });
  });
});
