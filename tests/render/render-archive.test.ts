import { parseFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDERS } from '../../functions/core/edition.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { publicEditionHtml, renderArchiveFeed } from '../../functions/render/render-archive.js';
import { sampleEdition } from '../../templates/sample-data.js';

describe('publicEditionHtml', () => {
  it('replaces the personal links with one sign-up link and drops the link to itself', async () => {
    const rendered = await renderEdition(sampleEdition);
    expect(rendered.html).toContain(PLACEHOLDERS.unsubscribeUrl);
    const html = publicEditionHtml(rendered.html, { selfUrl: sampleEdition.webUrl!, signUpUrl: 'https://news.example.com/subscribe?newsletter=ai-talent', subscribeLabel: 'Subscribe' });
    expect(html).not.toContain('{{');
    expect(html).not.toContain(`href="${sampleEdition.webUrl}"`);
    expect(html.match(/href="https:\/\/news\.example\.com\/subscribe\?newsletter=ai-talent"/g)).toHaveLength(1);
    expect(html).toContain(sampleEdition.articles[0]!.keyPoints[0]!.slice(0, 10));
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
