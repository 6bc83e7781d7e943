import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { fitHtmlToBudget } from '../../../functions/adapters/sources/html-budget.js';

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
    const page = `<!doctype html><html><head><title>T</title><script>if (a < b && "<div>") {}</script></head><body><ul><li>one<li>two</ul><p>a<p>b<br><img src="x.png"></body></html>`;
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

  it('refuses a page with more elements than the budget, with a reason', () => {
    expect(fitHtmlToBudget(`<body>${'<b>x</b>'.repeat(1_001)}</body>`, { maxElements: 1_000 })).toEqual({
      ok: false,
      reason: 'the page has more than 1,000 HTML elements, more than any article needs; it was not read',
    });
  });
});
