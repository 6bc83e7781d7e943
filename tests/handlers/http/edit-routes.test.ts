import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { buildEditionModel } from '../../../functions/core/edition.js';
import { reviewLinks } from '../../../functions/core/review.js';
import { editRoute } from '../../../functions/handlers/http/edit-routes.js';
import { renderEdition } from '../../../functions/render/render-edition.js';
import { START, testNewsletters } from '../../support/subscription-fixtures.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';
import { singleTokenKey } from '../../../functions/core/tokens.js';

const tokenKey = Buffer.alloc(32, 7);
let servers: TestServers;
let editions: DynamoEditionStore;
beforeAll(async () => {
  servers = await startTestServers();
  await ensureTable(servers.dynamodb, 'edit-routes');
  editions = new DynamoEditionStore(servers.dynamodb, 'edit-routes');
});
afterAll(async () => servers?.stop());

const newsletters = testNewsletters();
const newsletter = newsletters[0]!;
const deps = () => ({
  newsletters,
  editions,
  tokenKeys: singleTokenKey(tokenKey),
  now: () => START,
  render: (_n: unknown, m: Parameters<typeof renderEdition>[0]) => renderEdition(m),
});

/** Stores a draft; each test passes its own `attempt`, so each gets its own edition id. */
async function draft(title: string, attempt: number) {
  const model = buildEditionModel({ newsletter, now: START, attempt, articles: [{ id: 'a1', title, keyPoints: ['One.', 'Two.'], location: 'a.txt' }] });
  await editions.create(
    {
      newsletterId: newsletter.id,
      editionId: model.editionId,
      status: 'draft',
      createdAt: START.toISOString(),
      subject: model.subject,
      date: model.date,
      articles: [{ id: 'a1', title }],
    },
    await renderEdition(model),
    model,
  );
  const url = new URL(reviewLinks(tokenKey, newsletter.baseUrl, newsletter.id, model.editionId, START).editUrl);
  return { model, query: url.searchParams };
}

describe('editRoute', () => {
  it('shows the draft in a form carrying its signed token, everything escaped, and changes nothing on GET', async () => {
    const { model, query } = await draft('<img src=x onerror=alert(1)> & "quotes"', 1);
    const page = await editRoute(deps(), 'GET', query, '');
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(page.body).toContain(`name="token" value="${query.get('token')}"`);
    expect((await editions.get(newsletter.id, model.editionId))?.edits).toBeUndefined();
  });

  it('refuses a post without the signed token, and one signed for another purpose', async () => {
    const { model, query } = await draft('Chips', 2);
    const forged = await editRoute(
      deps(),
      'POST',
      new URLSearchParams(),
      new URLSearchParams({ edition: model.editionId, subject: 'Hacked', article: 'a1', 'points:a1': 'x' }).toString(),
    );
    expect(forged.statusCode).toBe(400);
    const approveToken = new URL(reviewLinks(tokenKey, newsletter.baseUrl, newsletter.id, model.editionId, START).approveUrl).searchParams.get('token')!;
    const wrong = await editRoute(
      deps(),
      'POST',
      new URLSearchParams(),
      new URLSearchParams({ edition: model.editionId, token: approveToken, subject: 'Hacked', article: 'a1', 'points:a1': 'x' }).toString(),
    );
    expect(wrong.statusCode).toBe(400);
    expect((await editions.get(newsletter.id, model.editionId))?.subject).toBe(model.subject);
    expect(query.get('token')).not.toBe(approveToken);
  });

  it('saves an edit and shows the draft as stored; a problem is shown with what was typed, storing nothing', async () => {
    const { model, query } = await draft('Power', 3);
    const form = (points: string) =>
      new URLSearchParams({
        edition: model.editionId,
        token: query.get('token')!,
        editsBefore: '0',
        subject: 'Our pick <b>',
        intro: '',
        article: 'a1',
        'title:a1': 'Power',
        'points:a1': points,
        'position:a1': '1',
        action: 'save',
      }).toString();
    const bad = await editRoute(deps(), 'POST', new URLSearchParams(), form('  \n '));
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('has no key point left');
    expect(bad.body).toContain('value="Our pick &lt;b&gt;"');
    const saved = await editRoute(deps(), 'POST', new URLSearchParams(), form('Two.\nOne.'));
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('key points reordered');
    expect((await editions.getRendered(newsletter.id, model.editionId))?.subject).toBe('Our pick <b>');
  });
});

describe('editRoute, for a newsletter that counts opens and clicks', () => {
  it('shows the opens and clicks of past editions beside their SES counts', async () => {
    const counting = newsletters.map((n) => (n.id === newsletter.id ? { ...n, countOpensAndClicks: true } : n));
    const sentId = `${newsletter.id}-2026-02-23-0pen5c1k`;
    await editions.create(
      {
        newsletterId: newsletter.id,
        editionId: sentId,
        status: 'sent',
        createdAt: '2026-02-23T08:00:00.000Z',
        subject: 'Last week',
        date: '2026-02-23',
        articles: [],
      },
      { subject: 'Last week', html: '<p>x</p>', text: 'x' },
    );
    await editions.addCounts(newsletter.id, sentId, { sent: 40, delivered: 38, opens: 17, clicks: 6 });
    const { query } = await draft('Counted', 4);
    const page = await editRoute({ ...deps(), newsletters: counting }, 'GET', query, '');
    expect(page.body).toContain('<th class="n">開啟</th><th class="n">點擊</th>');
    expect(page.body).toMatch(
      /2026-02-23 Last week<\/td><td class="n">40<\/td><td class="n">38<\/td>(<td class="n">0<\/td>){4}<td class="n">17<\/td><td class="n">6<\/td><\/tr>/u,
    );
    // The same page for a newsletter that does not count has no such columns.
    expect((await editRoute(deps(), 'GET', query, '')).body).not.toContain('開啟');
  });
});
