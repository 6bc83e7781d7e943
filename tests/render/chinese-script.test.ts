import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cleanArticle } from '../../functions/core/articles/clean.js';
import { glossRewordingFor, scriptConverterFor } from '../../functions/render/chinese-script.js';

describe('scriptConverterFor', () => {
  it('writes a zh-Hant edition in Traditional characters with Taiwan usage, whatever the source mixed in', () => {
    const convert = scriptConverterFor('zh-Hant');
    expect(convert?.('研究環境里的問題，關于墻內外的软件与信息')).toBe('研究環境裡的問題，關於牆內外的軟體與資訊');
  });

  it('writes a zh-Hans edition in Simplified characters with mainland usage', () => {
    const convert = scriptConverterFor('zh-Hans');
    expect(convert?.('研究環境裡的問題，關於墻內外的軟體與資訊')).toBe('研究环境里的问题，关于墙内外的软件与信息');
  });

  it('leaves Latin words, figures and already-Traditional text alone', () => {
    const text = 'Meta 以超過 2 億美元的薪酬方案，延攬蘋果基礎模型團隊負責人龐若鳴（USD 200 million）。';
    expect(scriptConverterFor('zh-Hant')?.(text)).toBe(text);
  });

  it("keeps the author's word where the Taiwan phrase table would change its meaning", () => {
    expect(scriptConverterFor('zh-Hant')!('試圖在局部复制那种氛围')).toBe('試圖在局部複製那種氛圍');
  });

  it("writes quotations in Taiwan's corner brackets, and leaves an unpaired mark alone", () => {
    const toTraditional = scriptConverterFor('zh-Hant')!;
    expect(toTraditional('那种令人着迷的“空气感”，他说‘好’。')).toBe('那種令人著迷的「空氣感」，他說『好』。');
    expect(toTraditional('只有一个“开头')).toBe('只有一個“開頭');
  });

  it('has no conversion for languages without a Chinese script', () => {
    for (const language of ['en', 'de', 'fr', 'es', 'ja', 'ko'] as const) expect(scriptConverterFor(language), language).toBeUndefined();
  });

  it('leaves none of the Simplified or variant glyphs of the sample article in a zh-Hant edition', async () => {
    const article = await readFile(new URL('../../articles/ai-talent-article.txt', import.meta.url), 'utf8');
    expect(article).toMatch(/[里墻]/u);
    const converted = scriptConverterFor('zh-Hant')?.(article) ?? '';
    expect(converted).not.toMatch(/墻|關于|[這家心腦懷池廚室爭]里/u);
    expect(converted).toContain('拆牆');
    expect(converted).toContain('實驗室裡');
  });
});

describe('the script conversion over a cleaned article', () => {
  const seed = readFileSync(new URL('../../articles/ai-talent-article.txt', import.meta.url), 'utf8');
  const script = { convert: scriptConverterFor('zh-Hant')!, rewordGlossed: glossRewordingFor('zh-Hant')! };

  it('writes the word a pinyin gloss marked in Taiwan form (複製, not 復制), and leaves every other word as the conversion has it', () => {
    const converted = cleanArticle({ location: 'articles/ai-talent-article.txt', format: 'text', body: seed }, { script });
    const plain = cleanArticle({ location: 'articles/ai-talent-article.txt', format: 'text', body: seed });
    if (!converted.ok || !plain.ok) throw new Error('the seed article should clean');
    const text = converted.article.paragraphs.join('\n');
    expect(text).toContain('試圖在局部複製那種類似矽谷的「高濃度創新氛圍」');
    expect(text).not.toContain('復制');
    // Apart from the glossed word, exactly what converting the cleaned text gives.
    expect(text.replace('複製', '復制')).toBe(plain.article.paragraphs.map(script.convert).join('\n'));
    expect(converted.article.id).not.toBe('');
  });

  it('is only for a zh-Hant edition', () => {
    expect(glossRewordingFor('zh-Hans')).toBeUndefined();
    expect(glossRewordingFor('en')).toBeUndefined();
  });
});
