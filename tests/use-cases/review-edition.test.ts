import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import type { EditionRecord } from '../../functions/ports/edition-store.js';
import { draftToDecide } from '../../functions/use-cases/review-edition.js';
import { useTestServers } from '../support/local-servers.js';
import { testNewsletter } from '../support/newsletters.js';

const newsletter = testNewsletter();

const servers = useTestServers();
let editions: DynamoEditionStore;
beforeAll(() => {
  editions = new DynamoEditionStore(servers().dynamodb, servers().tableName);
});

/** One edition of the test newsletter in this state, on real dynalite. */
async function storeEdition(editionId: string, status: EditionRecord['status']) {
  await editions.create(
    { newsletterId: newsletter.id, editionId, status, createdAt: '2026-03-02T08:00:00.000Z', subject: 'Chips', date: '2026-03-02', articles: [] },
    { subject: 'Chips', html: '<p>Chips</p>', text: 'Chips' },
  );
}

describe('draftToDecide', () => {
  it('gives the draft a link names, and leaves it a draft', async () => {
    await storeEdition('weekly-draft', 'draft');
    expect(await draftToDecide(editions, newsletter, 'weekly-draft')).toMatchObject({ status: 'draft', edition: { subject: 'Chips' } });
    expect((await editions.get(newsletter.id, 'weekly-draft'))?.status).toBe('draft');
  });

  it('says an edition already approved, skipped or sent is no longer a draft', async () => {
    await storeEdition('weekly-sent', 'sent');
    expect(await draftToDecide(editions, newsletter, 'weekly-sent')).toMatchObject({ status: 'not-draft', edition: { status: 'sent' } });
  });

  it('says not found for an edition that is not there', async () => {
    expect(await draftToDecide(editions, newsletter, 'weekly-missing')).toEqual({ status: 'not-found' });
  });
});
