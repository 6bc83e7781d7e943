import { describe, expect, it } from 'vitest';
import { cutAtBoundary } from '../../functions/core/text-cut.js';

describe('cutAtBoundary', () => {
  it('returns text that fits unchanged', () => {
    expect(cutAtBoundary('Short enough.', 140, 'en')).toBe('Short enough.');
  });

  it('cuts Latin text at a space and marks the cut with an ellipsis', () => {
    expect(cutAtBoundary('Researchers cite compute access and freedom to publish', 30, 'en')).toBe('Researchers cite compute…');
  });

  it.each([20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31])('never cuts inside or right after a figure (%i characters)', (max) => {
    const cut = cutAtBoundary('The company raised €2.1 million from investors in May', max, 'en');
    expect(cut).not.toMatch(/€2\.?…|€2\.1…|€…/u);
    expect([...cut].length).toBeLessThanOrEqual(max);
    expect(['The company raised…', 'The company raised €2.1 million…']).toContain(cut);
  });

  it('keeps thousands and decimals of a figure together in German', () => {
    expect(cutAtBoundary('Umsatz von 2.500.000 Euro im Jahr', 16, 'de')).toBe('Umsatz von…');
  });

  it('cuts Chinese after a clause mark when one is near the end', () => {
    const text = 'Meta 以超過 2 億美元的薪酬方案，延攬蘋果基礎模型團隊負責人龐若鳴，並在 2025 年挖走至少 8 名研究員。';
    expect(cutAtBoundary(text, 30, 'zh-Hant')).toBe('Meta 以超過 2 億美元的薪酬方案…');
  });

  it('cuts Chinese between words, never inside a figure or between a figure and its unit', () => {
    for (let max = 5; max < 20; max++) {
      const cut = cutAtBoundary('營收達到新台幣12,345.6億元，較去年成長三成', max, 'zh-Hant');
      expect(cut, String(max)).toMatch(/^(營收|營收達到|營收達到新台幣|營收達到新台幣12,345\.6億元)…$/u);
    }
    expect(cutAtBoundary('Meta 以超過 2 億美元的薪酬方案', 14, 'zh-Hant')).toBe('Meta 以超過…');
  });

  it('cuts Japanese at a word, keeping the figure whole', () => {
    expect(cutAtBoundary('売上高は2.1億円に達し、前年から大きく伸びました', 12, 'ja')).toBe('売上高は2.1億円…');
  });
});
