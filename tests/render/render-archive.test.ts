import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from '../../functions/core/edition.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { publicEditionHtml, renderArchiveFeed } from '../../functions/render/render-archive.js';
import { sampleEdition } from '../fixtures/sample-editions.js';
import { signUpUrlFor } from '../../functions/core/archive.js';
import { HOSTILE, hostileEdition } from '../support/hostile-edition.js';
import { START, testNewsletters } from '../support/subscription-fixtures.js';

/** What a browser shows as the page title: the text up to the first `</title>`, references decoded. */
function titleText(html: string): string | undefined {
  const inner = /<title>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  return inner?.replace(/&(lt|gt|quot|#39|amp);/g, (_m, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
}

/** How many start tags of each element the markup has (comments included: MJML's Outlook blocks live there). */
function startTags(html: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, name] of html.matchAll(/<([a-z][a-z0-9:-]*)/gi)) counts[name!.toLowerCase()] = (counts[name!.toLowerCase()] ?? 0) + 1;
  return counts;
}

describe('publicEditionHtml', () => {
  it('replaces the personal links with one sign-up link and drops the link to itself', async () => {
    const rendered = await renderEdition(sampleEdition);
    expect(rendered.html).toContain(PLACEHOLDERS.unsubscribeUrl);
    const html = publicEditionHtml(rendered.html, {
      selfUrl: sampleEdition.webUrl!,
      signUpUrl: 'https://news.example.com/subscribe?newsletter=ai-talent',
      subscribeLabel: 'Subscribe',
    });
    expect(html).not.toContain('{{');
    expect(html).not.toContain(`href="${sampleEdition.webUrl}"`);
    expect(html.match(/href="https:\/\/news\.example\.com\/subscribe\?newsletter=ai-talent"/g)).toHaveLength(1);
    expect(html).toContain(sampleEdition.articles[0]!.keyPoints[0]!.slice(0, 10));
  });

  it('keeps a stored title that closes <title> as the title text, so no meta refresh reaches the page', () => {
    const stored =
      '<!doctype html><html><head><title>&lt;/title&gt;&lt;meta http-equiv=refresh ' +
      'content=&quot;0;url=https://evil.example/&quot;&gt;</title></head><body><p>Hi</p></body></html>';
    const html = publicEditionHtml(stored, { selfUrl: 'https://n.example/archive/a-1', signUpUrl: 'https://n.example/subscribe', subscribeLabel: 'Subscribe' });
    expect(titleText(html)).toBe(HOSTILE.title);
    expect(html).not.toMatch(/<meta/i);
  });

  it('shows hostile article titles, key points, intro and subject as text: the page has no element the stored edition lacks', async () => {
    const newsletter = testNewsletters()[1]!;
    const model = hostileEdition(newsletter, START);
    const stored = (await renderEdition(model)).html;
    const html = publicEditionHtml(stored, { selfUrl: model.webUrl!, signUpUrl: signUpUrlFor(newsletter.baseUrl, newsletter.id), subscribeLabel: 'Subscribe' });
    expect(titleText(html)).toBe(model.subject);
    // The subject is cut to what an inbox shows; the part that would break out of <title> is in it.
    expect(model.subject).toContain('</title><meta http-equiv=refresh');
    expect(html).not.toMatch(/<meta[^>]*refresh/i);
    expect(html).not.toMatch(/<[a-z]+ id=injected/i);
    // Only links go: the one to this page, and the two personal ones that become one sign-up link.
    const { a: storedLinks, ...storedOthers } = startTags(stored);
    const { a: pageLinks, ...pageOthers } = startTags(html);
    expect(pageOthers).toEqual(storedOthers);
    expect(pageLinks).toBe(storedLinks! - 2);
  });
});

describe('renderArchiveFeed', () => {
  it('escapes titles and lists editions in order', () => {
    const xml = renderArchiveFeed({
      title: 'News & <Views>',
      language: 'en',
      feedUrl: 'https://n.example/archive/feed.xml?newsletter=a',
      indexUrl: 'https://n.example/archive?newsletter=a',
      updated: '2026-03-02T08:00:00.000Z',
      editions: [
        { editionId: 'a-2', subject: 'Second "edition" <b>', updated: '2026-03-02T08:00:00.000Z', url: 'https://n.example/archive/a-2', articleTitles: ['x'] },
        { editionId: 'a-1', subject: 'First', updated: '2026-02-23T08:00:00.000Z', url: 'https://n.example/archive/a-1', articleTitles: ['y'] },
      ],
    });
    const feed = parseFeed(xml);
    expect(feed.title).toBe('News & <Views>');
    expect(feed.items.map((i) => i.title)).toEqual(['Second "edition" <b>', 'First']);
  });
});
