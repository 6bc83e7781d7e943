import { createRequire } from 'node:module';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { fitHtmlToBudget } from '../../../functions/adapters/sources/html-budget.js';
import { HIDDEN_ELEMENTS, HIDDEN_TEXT, HIDING_PLACES, hiddenNesting } from '../../support/hostile-html.js';
import { fixture } from './fixture-server.js';

const TEXT = 'The council said the harbour clean-up removed two tonnes of plastic from the bay last spring.';

function nested(levels: number, tag = 'div'): string {
  return `<html><body>${`<${tag}>`.repeat(levels)}<p>${TEXT}</p>${`</${tag}>`.repeat(levels)}</body></html>`;
}

/** Depth of the deepest element once parsed, walked without recursion. */
function parsedDepth(html: string): number {
  const { document } = parseHTML(html);
  let deepest = 0;
  const stack: [Element, number][] = [[document.documentElement, 1]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    for (const child of Array.from(element.children)) stack.push([child, depth + 1]);
  }
  return deepest;
}

describe('fitHtmlToBudget', () => {
  it('hands an ordinary page to the parser unchanged', () => {
    const page =
      `<!doctype html><html><head><title>T</title><script>if (a < b && "<div>") ` +
      `{}</script></head><body><ul><li>one<li>two</ul><p>a<p>b<br><img src="x.png"></body></html>`;
    expect(fitHtmlToBudget(page)).toEqual({ ok: true, html: page, flattened: false });
  });

  it('flattens 10,000 nested elements to the depth budget and keeps their text', () => {
    const fitted = fitHtmlToBudget(nested(10_000), { maxDepth: 50 });
    expect(fitted.ok && fitted.flattened).toBe(true);
    const html = fitted.ok ? fitted.html : '';
    expect(parsedDepth(html)).toBeLessThanOrEqual(50);
    expect(parseHTML(html).document.body.textContent).toBe(TEXT);
  });

  it('counts elements left open (as sloppy or hostile pages leave them) towards the depth', () => {
    const fitted = fitHtmlToBudget(`<html><body>${'<span>'.repeat(5_000)}${TEXT}`, { maxDepth: 64 });
    const html = fitted.ok ? fitted.html : '';
    expect(parsedDepth(html)).toBeLessThanOrEqual(64);
    expect(parseHTML(html).document.body.textContent).toBe(TEXT);
  });

  it.each(['en-article.html', 'zh-article.html'])('hands the real page %s to the parser unchanged', (name) => {
    const page = fixture(name);
    expect(fitHtmlToBudget(page)).toEqual({ ok: true, html: page, flattened: false });
  });

  it.each(HIDING_PLACES)('flattens 2,000 nested <div>s hidden behind %s to the depth budget and keeps their text', (_place, before, after) => {
    const fitted = fitHtmlToBudget(hiddenNesting(2_000, before, after), { maxDepth: 50 });
    const html = fitted.ok ? fitted.html : '';
    expect(parsedDepth(html)).toBeLessThanOrEqual(50);
    expect(parseHTML(html).document.body.textContent).toContain(HIDDEN_TEXT);
  });

  it.each(['script', 'style', 'title', 'textarea', 'xmp'])('leaves tags inside <%s> as the text the parser reads them as', (tag) => {
    const page = hiddenNesting(2_000, `<${tag}>`, `</${tag}>`);
    expect(fitHtmlToBudget(page, { maxDepth: 50 })).toEqual({ ok: true, html: page, flattened: false });
    expect(parsedDepth(page)).toBeLessThanOrEqual(50);
  });

  it('counts the elements hidden behind an unbalanced quote and refuses the page past the budget', () => {
    expect(fitHtmlToBudget(HIDDEN_ELEMENTS)).toEqual({
      ok: false,
      reason: 'the page has more than 50,000 HTML elements, more than any article needs; it was not read',
    });
  });

  it('refuses a page nested too deep to be read in time at its size, with a reason', () => {
    expect(fitHtmlToBudget(nested(30_000))).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^the page's HTML is nested [\d,]+ levels deep, too deep to be read in time at its size; it was not read: save the article's text as a \.txt or \.md file instead$/,
      ),
    });
  });

  it('refuses within 2 s of CPU a page of stray end tags under 10,000 open elements', () => {
    // Each end tag the parser cannot match makes it search every open element: 600,000 of them under
    // 10,000 open elements is 6 billion comparisons if the page is read to its end.
    const page = `<html><body>${'<span>'.repeat(10_000)}${'</abbr>'.repeat(600_000)}</body></html>`;
    const cpu = process.cpuUsage();
    const fitted = fitHtmlToBudget(page);
    const used = process.cpuUsage(cpu);
    expect(fitted).toMatchObject({ ok: false, reason: expect.stringContaining('too deep to be read in time') });
    expect((used.user + used.system) / 1e6).toBeLessThan(2);
  });

  it('measures with the htmlparser2 that linkedom builds its documents with', () => {
    // Two copies (after an upgrade of one) could read the same markup differently, and the budget
    // would again measure something other than what is parsed.
    const require = createRequire(import.meta.url);
    const linkedoms = createRequire(require.resolve('linkedom')).resolve('htmlparser2');
    expect(require.resolve('htmlparser2')).toBe(linkedoms);
  });

  it('refuses a page with more elements than the budget, with a reason', () => {
    expect(fitHtmlToBudget(`<body>${'<b>x</b>'.repeat(1_001)}</body>`, { maxElements: 1_000 })).toEqual({
      ok: false,
      reason: 'the page has more than 1,000 HTML elements, more than any article needs; it was not read',
    });
  });
});
