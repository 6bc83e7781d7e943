import { describe, expect, it } from 'vitest';
import { safeHref } from '../../functions/render/escape.js';

describe('safeHref', () => {
  it.each(['https://example.com/a', 'http://example.com/', 'mailto:editor@example.com'])('allows %s', (url) => {
    expect(safeHref(url)).toBe(url);
  });

  it.each(['javascript:alert(1)', ' JAVASCRIPT:alert(1)', 'data:text/html,x', 'vbscript:x', '/relative', 'not a url', ''])('refuses %j', (url) => {
    expect(safeHref(url)).toBeUndefined();
  });

  it('percent-encodes braces so a url cannot carry a placeholder', () => {
    expect(safeHref('https://example.com/?next={{unsubscribe_url}}')).toBe('https://example.com/?next=%7B%7Bunsubscribe_url%7D%7D');
  });
});
