import { describe, expect, it } from 'vitest';
import { canonicalKey, dedupeArticles } from '../../../functions/core/articles/dedupe.js';

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
});

describe('dedupeArticles', () => {
  it('keeps the first of two articles with the same canonical link', () => {
    const fromFeed = { id: 'a1', url: 'https://example.com/post/1?utm_source=rss', source: 'feed' };
    const fromPage = { id: 'a2', url: 'https://EXAMPLE.com/post/1/#top', source: 'page' };
    const other = { id: 'b', url: 'https://example.com/post/2', source: 'feed' };
    expect(dedupeArticles([fromFeed, fromPage, other])).toEqual({ unique: [fromFeed, other], duplicates: [fromPage] });
  });

  it('keeps the first of two articles with the same content id, with or without links', () => {
    const inFolder = { id: 'same', source: 'folder' };
    const inS3 = { id: 'same', url: 'https://example.com/x', source: 's3' };
    const different = { id: 'other', source: 'folder' };
    expect(dedupeArticles([inFolder, inS3, different])).toEqual({ unique: [inFolder, different], duplicates: [inS3] });
  });

  it('keeps articles without links apart when their ids differ', () => {
    const articles = [{ id: '1' }, { id: '2' }];
    expect(dedupeArticles(articles)).toEqual({ unique: articles, duplicates: [] });
  });
});
