import { describe, expect, it } from 'vitest';
import { withoutSiteName } from '../../functions/render/article-title.js';

describe('withoutSiteName', () => {
  it.each([
    ['Why top AI researchers change labs | The Verge', 'https://www.theverge.com/2025/7/1/x'],
    ['Why top AI researchers change labs - The Verge', 'https://www.theverge.com/2025/7/1/x'],
    ['Why top AI researchers change labs — BBC News', 'https://www.bbc.co.uk/news/x'],
    ['Why top AI researchers change labs – example.org', undefined],
  ])('drops the site name from %j', (title, url) => {
    expect(withoutSiteName(title, url)).toBe('Why top AI researchers change labs');
  });

  it('drops a Chinese site name after a full-width bar', () => {
    expect(withoutSiteName('頂尖 AI 人才為何選擇出走｜科技新報', 'https://technews.tw/a')).toBe('頂尖 AI 人才為何選擇出走');
  });

  it.each([
    ['Covid-19 — what we know so far', 'https://www.example.com/a'],
    ['Labs merge - researchers leave', 'https://www.example.com/a'],
    ['AI | ML', undefined],
    ['Salaries: a look at the numbers behind the move | and what they mean for the rest of the field today', undefined],
  ])('keeps %j whole: not clearly a site name', (title, url) => {
    expect(withoutSiteName(title, url)).toBe(title);
  });
});
