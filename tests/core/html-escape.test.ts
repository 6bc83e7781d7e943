import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { escapeHtml, escapeHtmlKeepingReferences } from '../../functions/core/html-escape.js';

/** What a browser makes of `html` as an element's content and as a quoted attribute. */
function asBrowserReads(html: string): { text: string; elements: number; attribute: string | null } {
  const { document } = parseHTML(`<html><body><p title="${html}">${html}</p></body></html>`);
  const p = document.querySelector('p')!;
  return { text: p.textContent ?? '', elements: p.querySelectorAll('*').length, attribute: p.getAttribute('title') };
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  'Tom & Jerry &amp; &lt;b&gt;',
  '</p><p>forged paragraph',
  '<!-- comment --> <![CDATA[x]]>',
];

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it.each(HOSTILE)('keeps %j text, in element content and in a quoted attribute', (hostile) => {
    expect(asBrowserReads(escapeHtml(hostile))).toEqual({ text: hostile, elements: 0, attribute: hostile });
  });
});

describe('escapeHtmlKeepingReferences', () => {
  it('keeps character references and escapes every other mark', () => {
    expect(escapeHtmlKeepingReferences(`Tom &amp; Jerry &#38; &#x26; & <b> "q" 'q' &zz9; &;`)).toBe(
      'Tom &amp; Jerry &#38; &#x26; &amp; &lt;b&gt; &quot;q&quot; &#39;q&#39; &zz9; &amp;;',
    );
  });

  it.each(HOSTILE)('never lets %j become markup', (hostile) => {
    const read = asBrowserReads(escapeHtmlKeepingReferences(hostile));
    expect(read.elements).toBe(0);
    expect(read.attribute).toBe(read.text);
  });

  it('reads a reference to markup as the characters, not as a tag', () => {
    expect(asBrowserReads(escapeHtmlKeepingReferences('&lt;script&gt;alert(1)&lt;/script&gt;'))).toEqual({
      text: '<script>alert(1)</script>',
      elements: 0,
      attribute: '<script>alert(1)</script>',
    });
  });

  it('escapes a megabyte of bare ampersands', () => {
    const text = '&'.repeat(1 << 20);
    expect(escapeHtmlKeepingReferences(text)).toBe('&amp;'.repeat(1 << 20));
  });
});
