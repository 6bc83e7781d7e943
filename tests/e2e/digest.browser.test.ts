import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EditionModel } from '../../functions/core/edition.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { sampleEdition, sampleEnglishEdition } from '../fixtures/sample-editions.js';
import { browserSuite, hasChromium, launchChromium } from '../support/browser.js';

/**
 * The rendered digest in a real browser (Debian's Chromium) at a phone's width, in the light and
 * the dark colour scheme: every piece of visible text must stay readable against what is actually
 * behind it. Screenshots go to out/screenshots for the record. Skipped, with the reason in its
 * name, where Chromium is not installed; `.ci/run` installs it.
 */
const SCREENSHOTS = path.resolve('out/screenshots');
/** WCAG AA for body text. */
const MINIMUM_CONTRAST = 4.5;

interface TextContrast {
  text: string;
  tag: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * Runs in the page: for every visible element with its own text, the contrast ratio between its
 * computed colour and the first opaque background behind it (WCAG 2 relative luminance).
 */
function measureContrast(): TextContrast[] {
  const parse = (css: string): [number, number, number, number] => {
    const parts = (css.match(/[\d.]+/g) ?? []).map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
  };
  const luminance = ([r, g, b]: number[]): number => {
    const [R, G, B] = [r, g, b].map((v) => {
      const c = (v ?? 0) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (R ?? 0) + 0.7152 * (G ?? 0) + 0.0722 * (B ?? 0);
  };
  const backgroundOf = (element: Element): string => {
    for (let node: Element | null = element; node; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (parse(background)[3] > 0.5) return background;
    }
    // Nothing painted: the canvas, which follows the page's colour scheme.
    return getComputedStyle(document.documentElement).colorScheme.includes('dark') && matchMedia('(prefers-color-scheme: dark)').matches
      ? 'rgb(18, 18, 18)'
      : 'rgb(255, 255, 255)';
  };
  const results: TextContrast[] = [];
  for (const element of Array.from(document.body.querySelectorAll('*'))) {
    const ownText = Array.from(element.childNodes)
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent ?? '')
      .join('')
      .trim();
    if (!ownText) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const color = style.color;
    const background = backgroundOf(element);
    const [l1, l2] = [luminance(parse(color)), luminance(parse(background))].sort((a, b) => b - a);
    results.push({ text: ownText.slice(0, 40), tag: element.tagName.toLowerCase(), color, background, ratio: ((l1 ?? 0) + 0.05) / ((l2 ?? 0) + 0.05) });
  }
  return results;
}

let browser: Browser;

describe.skipIf(!hasChromium)(browserSuite('the digest in a browser'), () => {
  beforeAll(async () => {
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const editions: Array<[string, EditionModel]> = [
    ['zh-Hant', sampleEdition],
    ['en', { ...sampleEnglishEdition, webUrl: 'https://example.org/editions/ai-weekly-2025-07-14' }],
  ];
  const cases = editions.flatMap(([name, model]) => (['light', 'dark'] as const).map((scheme) => [name, scheme, model] as const));

  it.each(cases)('keeps every text of the %s digest readable at 375 px in the %s colour scheme', async (name, scheme, model) => {
    const { html } = await renderEdition(model);
    const page = await browser.newPage({ viewport: { width: 375, height: 800 }, colorScheme: scheme });
    try {
      // Offline: the digest loads nothing, and a request here would be a tracking pixel or a font.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.screenshot({ path: path.join(SCREENSHOTS, `digest-${name}-${scheme}-375.png`), fullPage: true });
      const texts = await page.evaluate(measureContrast);
      const heading = texts.find((t) => t.tag === 'h1');
      expect(heading?.text).toBe(model.newsletterTitle);
      expect(texts.length).toBeGreaterThan(10);
      const unreadable = texts
        .filter((t) => t.ratio < MINIMUM_CONTRAST)
        .map((t) => `${t.tag} "${t.text}" ${t.color} on ${t.background}: ${t.ratio.toFixed(2)}`);
      expect(unreadable).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
