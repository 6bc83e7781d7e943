import { describe, expect, it } from 'vitest';
import { articleUrlKey, canonicalKey, dedupeArticles } from '../../../functions/core/articles/dedupe.js';
import { CPU_BUDGET_SECONDS, cpuSeconds } from '../../support/hostile-text.js';

describe('canonicalKey', () => {
  it.each([
    ['HTTPS://News.Example.COM/post/1', 'https://news.example.com/post/1'],
    ['https://example.com/post/1/', 'https://example.com/post/1'],
    ['https://example.com/post/1#comments', 'https://example.com/post/1'],
    ['https://example.com:443/post/1', 'https://example.com/post/1'],
    ['http://example.com:80/post/1', 'https://example.com/post/1'],
    ['https://example.com/post/1?utm_source=rss&utm_medium=feed&fbclid=abc&gclid=x', 'https://example.com/post/1'],
    ['https://example.com/?p=42&utm_campaign=weekly', 'https://example.com?p=42'],
    ['https://example.com/search?b=2&a=1', 'https://example.com/search?a=1&b=2'],
  ])('gives %s the key %s', (url, key) => {
    expect(canonicalKey(url)).toBe(key);
  });

  it('keeps parameters that pick the article and non-default ports', () => {
    expect(canonicalKey('https://example.com/view?id=7')).not.toBe(canonicalKey('https://example.com/view?id=8'));
    expect(canonicalKey('http://127.0.0.1:8080/a')).toBe('https://127.0.0.1:8080/a');
  });

  it('keeps paths case-sensitive', () => {
    expect(canonicalKey('https://example.com/Post')).not.toBe(canonicalKey('https://example.com/post'));
  });

  it('returns a string that is not a URL trimmed', () => {
    expect(canonicalKey('  articles/hello.md ')).toBe('articles/hello.md');
  });

  it('reads a link with a long run of slashes inside its path within the budget, keeping them', () => {
    const url = `https://example.com/a${'/'.repeat(200_000)}b//`;
    let key = '';
    const seconds = cpuSeconds(() => (key = canonicalKey(url)));
    expect(key).toBe(`https://example.com/a${'/'.repeat(200_000)}b`);
    expect(seconds).toBeLessThan(CPU_BUDGET_SECONDS);
  });
});

describe('articleUrlKey', () => {
  const feed = 'feed https://example.com/feed.xml';

  it('makes a link on the site the text was read from the key of the article, whichever source reached it', () => {
    const fromFeed = articleUrlKey({ url: 'https://example.com/post/1?utm_source=rss', readFrom: 'https://example.com/feed.xml' }, feed);
    const fromPage = articleUrlKey({ url: 'https://example.com/post/1', readFrom: 'http://EXAMPLE.com/old/1' }, 'page https://example.com/old/1');
    expect(fromFeed).toBe('url:https://example.com/post/1');
    expect(fromPage).toBe(fromFeed);
  });

  it('keeps a link to another site, or from a file, to the source that named it', () => {
    const claimed = articleUrlKey(
      { url: 'https://example.com/post/1', readFrom: 'https://elsewhere.example/feed.xml' },
      'feed https://elsewhere.example/feed.xml',
    );
    const canonicalElsewhere = articleUrlKey(
      { url: 'https://example.com/post/1', readFrom: 'https://elsewhere.example/copy' },
      'page https://elsewhere.example/copy',
    );
    const fromFile = articleUrlKey({ url: 'https://example.com/post/1' }, 'folder articles');
    const keys = [claimed, canonicalElsewhere, fromFile];
    for (const key of keys) expect(key).toMatch(/^url@[0-9a-f]{16}:https:\/\/example\.com\/post\/1$/);
    expect(new Set(keys).size).toBe(3);
    expect(articleUrlKey({ url: 'https://example.com/post/1/' }, 'folder articles')).toBe(fromFile);
    expect(articleUrlKey({ url: 'https://example.com:8443/post/1', readFrom: 'https://example.com/feed.xml' }, feed)).toMatch(/^url@/);
  });

  it.each(['javascript:alert(1)', 'mailto:someone@example.com', 'data:text/html,hi', 'articles/hello.md', 'https://[bad', ''])(
    'gives the link %j no key',
    (url) => {
      expect(articleUrlKey({ url, readFrom: 'https://example.com/feed.xml' }, feed)).toBeUndefined();
    },
  );

  it('gives an article without a link no key', () => {
    expect(articleUrlKey({}, feed)).toBeUndefined();
  });
});

describe('dedupeArticles', () => {
  it('keeps the first of two articles with the same link key', () => {
    const fromFeed = { id: 'a1', urlKey: 'url:https://example.com/post/1', source: 'feed' };
    const fromPage = { id: 'a2', urlKey: 'url:https://example.com/post/1', source: 'page' };
    const other = { id: 'b', urlKey: 'url:https://example.com/post/2', source: 'feed' };
    expect(dedupeArticles([fromFeed, fromPage, other])).toEqual({ unique: [fromFeed, other], duplicates: [fromPage] });
  });

  it('keeps the first of two articles with the same content id, with or without links', () => {
    const inFolder = { id: 'same', source: 'folder' };
    const inS3 = { id: 'same', urlKey: 'url:https://example.com/x', source: 's3' };
    const different = { id: 'other', source: 'folder' };
    expect(dedupeArticles([inFolder, inS3, different])).toEqual({ unique: [inFolder, different], duplicates: [inS3] });
  });

  it('keeps articles without links apart when their ids differ', () => {
    const articles = [{ id: '1' }, { id: '2' }];
    expect(dedupeArticles(articles)).toEqual({ unique: articles, duplicates: [] });
  });
});
