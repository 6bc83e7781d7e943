import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import { urlSpans } from '../../../functions/core/articles/cleaning-rules.js';

/** Seconds of CPU (not wall time) this process spent in `work`: stable however busy the machine is. */
function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** A run of Han characters with no space or mark in it, as a Chinese page without punctuation gives. */
function hanRun(length: number): string {
  return Array.from({ length }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
}

describe('cleanArticle on hostile text', () => {
  // Every cleaning rule is linear: a lookbehind over "the URL so far" rescanned the whole run of
  // Chinese before each character (30,000 characters took 4 s, 1,000,000 more than 300 s).
  it.each([
    ['1 MB of Chinese without a mark', hanRun(1_000_000)],
    ['1 MB of Chinese with a half-width comma every five characters', hanRun(1_000_000).replace(/(.{5})/gu, '$1,')],
    ['a long URL glued to 1 MB of Chinese', `https://example.com/${'a'.repeat(100_000)}${hanRun(900_000)}`],
    ['Chinese with "x://" every two characters, 1 MB', '中文x://'.repeat(166_000)],
  ])('cleans %s in under 2 s of CPU', (_name, body) => {
    let ok = false;
    const seconds = cpuSeconds(() => {
      ok = cleanArticle({ location: 'hostile.txt', format: 'text', body: `標題\n\n${body}` }).ok;
    });
    expect(ok).toBe(true);
    expect(seconds).toBeLessThan(2);
  });

  it('still keeps a URL\'s own commas and colons while a comma between Chinese becomes full width', () => {
    const result = cleanArticle({ location: 'a.txt', format: 'text', body: '標題\n\n詳見https://example.com/a,b:c?d=1,2 的說明,今年營收成長兩成,比去年更多。' });
    expect(result.ok).toBe(true);
    const text = result.ok ? result.article.paragraphs.join('\n') : '';
    expect(text).toContain('https://example.com/a,b:c?d=1,2');
    expect(text).toContain('說明，今年營收成長兩成，比去年更多');
  });

  it('finds URL spans in one pass: from after the scheme or www. to the first space or CJK mark', () => {
    const text = 'see https://a.example/x,y and www.b.example/z。done';
    const spans = urlSpans(text);
    expect(spans.map(([from, to]) => text.slice(from, to))).toEqual(['a.example/x,y', 'b.example/z']);
  });
});
