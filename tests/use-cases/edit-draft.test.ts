import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { buildEditionModel } from '../../functions/core/edition.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { editDraft, loadDraft } from '../../functions/use-cases/edit-draft.js';
import { approveDraft } from '../../functions/use-cases/review-edition.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { testNewsletter } from '../support/newsletters.js';

const newsletter = testNewsletter();
const now = new Date('2026-03-02T08:00:00Z');
const clock = { now: () => now };

let servers: TestServers;
let editions: DynamoEditionStore;
beforeAll(async () => {
  servers = await startTestServers();
  editions = new DynamoEditionStore(servers.dynamodb, servers.tableName);
});
afterAll(async () => servers?.stop());

async function storeDraft(attempt: number) {
  const model = buildEditionModel({
    newsletter,
    now,
    attempt,
    articles: [
      {
        id: `a${attempt}`,
        title: 'Chips',
        keyPoints: ['One.', 'Two.', 'Three.'],
        location: 'a.txt',
        url: `https://example.com/chips-${attempt}`,
        urlKey: `example.com/chips-${attempt}`,
      },
      { id: `b${attempt}`, title: 'Power', keyPoints: ['Volts.'], location: 'b.txt' },
    ],
  });
  const rendered = await renderEdition(model);
  const articles = model.articles.map((a) => ({ id: a.id, title: a.title, ...(a.url ? { url: a.url, urlKey: a.urlKey! } : {}) }));
  await editions.create(
    { newsletterId: 'weekly', editionId: model.editionId, status: 'draft', createdAt: now.toISOString(), subject: model.subject, date: model.date, articles },
    rendered,
    model,
  );
  await editions.markArticlesSent('weekly', model.editionId, [`a${attempt}`, `example.com/chips-${attempt}`, `b${attempt}`], now.toISOString());
  return model;
}

const deps = () => ({ editions, clock, render: (m: Parameters<typeof renderEdition>[0]) => renderEdition(m) });

describe('editDraft', () => {
  it('renders the edited draft once and stores it, with who changed what and the model first built', async () => {
    const model = await storeDraft(1);
    const outcome = await editDraft(
      newsletter,
      deps(),
      model.editionId,
      {
        subject: 'Our pick',
        articles: [
          { id: 'a1', keyPoints: ['Two.', 'One.'] },
          { id: 'b1', keyPoints: ['Volts.'] },
        ],
      },
      { by: 'editor@example.com' },
    );
    expect(outcome.status).toBe('edited');
    const rendered = await editions.getRendered('weekly', model.editionId);
    expect(rendered?.subject).toBe('Our pick');
    expect(rendered!.html.indexOf('Two.')).toBeLessThan(rendered!.html.indexOf('One.'));
    expect(rendered!.html).not.toContain('Three.');
    const record = await editions.get('weekly', model.editionId);
    expect(record).toMatchObject({ status: 'draft', subject: 'Our pick', edits: [{ by: 'editor@example.com', at: now.toISOString() }] });
    expect(record!.edits![0]!.changes).toEqual([
      'subject: “AI Weekly: Chips (+1 more)” → “Our pick”',
      'article “Chips”: removed key point “Three.”',
      'article “Chips”: key points reordered',
    ]);
    expect((await editions.getModel('weekly', model.editionId))!.original.articles[0]!.keyPoints).toEqual(['One.', 'Two.', 'Three.']);
  });

  it('releases a dropped article into the next edition', async () => {
    const model = await storeDraft(2);
    const outcome = await editDraft(newsletter, deps(), model.editionId, { articles: [{ id: 'b2', keyPoints: ['Volts.'] }] }, { by: 'editor' });
    expect(outcome.status).toBe('edited');
    expect([...(await editions.sentArticleKeys('weekly', ['a2', 'example.com/chips-2', 'b2']))]).toEqual(['b2']);
    expect((await editions.get('weekly', model.editionId))?.articles.map((a) => a.id)).toEqual(['b2']);
  });

  it('stores nothing over an approval or a newer edit, and says why', async () => {
    const model = await storeDraft(3);
    const first = await editDraft(
      newsletter,
      deps(),
      model.editionId,
      {
        subject: 'First',
        articles: [
          { id: 'a3', keyPoints: ['One.'] },
          { id: 'b3', keyPoints: ['Volts.'] },
        ],
      },
      { by: 'ann', editsBefore: 0 },
    );
    expect(first.status).toBe('edited');
    // Bob's page was made before Ann saved.
    const stale = await editDraft(
      newsletter,
      deps(),
      model.editionId,
      { subject: 'Second', articles: [{ id: 'a3', keyPoints: ['Two.'] }] },
      { by: 'bob', editsBefore: 0 },
    );
    expect(stale.status).toBe('conflict');
    expect((await editions.getRendered('weekly', model.editionId))?.subject).toBe('First');
    await approveDraft(editions, newsletter, model.editionId);
    const late = await editDraft(newsletter, deps(), model.editionId, { subject: 'Late', articles: [{ id: 'a3', keyPoints: ['Two.'] }] }, { by: 'ann' });
    expect(late.status).toBe('not-draft');
    expect((await loadDraft(editions, newsletter, model.editionId)).status).toBe('not-draft');
  });

  it('refuses an edit it cannot use, storing nothing', async () => {
    const model = await storeDraft(4);
    const outcome = await editDraft(newsletter, deps(), model.editionId, { articles: [{ id: 'a4', keyPoints: [] }] }, { by: 'ann' });
    expect(outcome).toMatchObject({ status: 'invalid', problem: 'article “Chips” has no key point left: keep at least one, or drop the article' });
    expect((await editions.get('weekly', model.editionId))?.edits).toBeUndefined();
  });
});
