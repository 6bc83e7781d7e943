import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { languageSchema, type Language } from '../../functions/core/config.js';
import { PAGE_WORDS, TEMPLATE_WORDS, wordsFor, type TemplateWords } from '../../templates/i18n.js';

const languages: Language[] = [...languageSchema.options];
const wordsDir = fileURLToPath(new URL('../../templates/words/', import.meta.url));

/** Every leaf of the word table as [dotted key, value], with functions called on a sample title. */
function leaves(words: object, prefix = ''): Array<[string, string]> {
  return Object.entries(words).flatMap(([key, value]): Array<[string, string]> => {
    const name = prefix + key;
    if (typeof value === 'function') return [[name, String((value as (s: string) => string)('《測試》'))]];
    if (typeof value === 'object' && value !== null) return leaves(value as object, `${name}.`);
    return [[name, String(value)]];
  });
}

describe('wordsFor', () => {
  it.each(languages)('has no empty words in %s', (language) => {
    for (const [key, value] of leaves(wordsFor(language))) expect(value.trim(), key).not.toBe('');
  });

  it.each(languages)('puts the newsletter title into every sentence that names it in %s', (language) => {
    const words = wordsFor(language);
    for (const sentence of [
      words.whyYouGetThis,
      words.confirm.subject,
      words.confirm.body,
      words.confirm.whyYouGetThis,
      words.welcome.subject,
      words.welcome.body,
    ]) {
      expect(sentence('AI Weekly')).toContain('AI Weekly');
    }
  });

  it('uses traditional and simplified characters for the two Chinese variants', () => {
    expect(wordsFor('zh-Hant').unsubscribe).toBe('取消訂閱');
    expect(wordsFor('zh-Hans').unsubscribe).toBe('取消订阅');
    expect(wordsFor('en').unsubscribe).toBe('Unsubscribe');
    expect(wordsFor('zh-Hant').confirm.button).not.toBe(wordsFor('zh-Hans').confirm.button);
  });

  it('formats the edition date for each language', () => {
    expect(wordsFor('zh-Hant').formatDate('2025-07-04')).toBe('2025年7月4日');
    expect(wordsFor('zh-Hans').formatDate('2025-07-04')).toBe('2025年7月4日');
    expect(wordsFor('en').formatDate('2025-07-04')).toBe('4 July 2025');
    expect(wordsFor('de').formatDate('2025-07-04')).toBe('4. Juli 2025');
    expect(wordsFor('fr').formatDate('2025-07-04')).toBe('4 juillet 2025');
    expect(wordsFor('es').formatDate('2025-07-04')).toBe('4 de julio de 2025');
    expect(wordsFor('ja').formatDate('2025-07-04')).toBe('2025年7月4日');
    expect(wordsFor('ko').formatDate('2025-07-04')).toBe('2025년 7월 4일');
    for (const language of languages) expect(wordsFor(language).formatDate('soon'), language).toBe('soon');
  });

  it('speaks each language in its own words', () => {
    expect(languages.map((language) => wordsFor(language).unsubscribe)).toEqual([
      '取消訂閱',
      '取消订阅',
      'Unsubscribe',
      'Abmelden',
      'Se désabonner',
      'Darse de baja',
      '配信停止',
      '구독 취소',
    ]);
    expect(new Set(languages.map((language) => wordsFor(language).viewOnline)).size).toBe(languages.length);
  });

  it('names a CJK font stack matching the script, ending in a generic family', () => {
    expect(wordsFor('zh-Hant').fontFamily).toMatch(/^PingFang TC, Noto Sans CJK TC.*Microsoft JhengHei/);
    expect(wordsFor('zh-Hans').fontFamily).toMatch(/^PingFang SC, Noto Sans CJK SC.*Microsoft YaHei/);
    for (const language of languages) expect(wordsFor(language).fontFamily).toMatch(/, sans-serif$/);
  });

  it('rejects a language missing a word at compile time', () => {
    const { unsubscribe: _unsubscribe, ...withoutUnsubscribe } = TEMPLATE_WORDS.en;
    // `tsc --noEmit` fails here if TemplateWords ever stops requiring `unsubscribe`.
    // @ts-expect-error a language without `unsubscribe` is not TemplateWords
    const incomplete: TemplateWords = withoutUnsubscribe;
    void incomplete;
  });
});

/** Every key of a word table, nested keys as dotted paths, sorted. */
function keysOf(words: object, prefix = ''): string[] {
  return Object.entries(words)
    .flatMap(([key, value]) => (typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`]))
    .sort();
}

/** Every function-valued word, called with a sample argument, as [dotted key, result]. */
function calledWords(words: object, prefix = ''): Array<[string, unknown]> {
  return Object.entries(words).flatMap(([key, value]): Array<[string, unknown]> => {
    if (typeof value === 'function') return [[`${prefix}${key}`, (value as (s: string) => unknown)('2025-07-04')]];
    if (typeof value === 'object' && value !== null) return calledWords(value as object, `${prefix}${key}.`);
    return [];
  });
}

describe('languages', () => {
  it('has one words file per language the config accepts, and no other', () => {
    const files = readdirSync(wordsDir)
      .filter((name) => !['types.ts', 'dates.ts'].includes(name))
      .map((name) => name.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual([...languages].sort());
  });

  it('refuses an unsupported language in the config with a message listing the supported ones', () => {
    const result = languageSchema.safeParse('pt-BR');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('"pt-BR" is not supported; use one of zh-Hant, zh-Hans, en, de, fr, es, ja, ko');
  });

  it('gives every language exactly the page words of English', () => {
    const english = keysOf(PAGE_WORDS.en);
    for (const language of languages) expect(keysOf(PAGE_WORDS[language]), language).toEqual(english);
  });
});

describe('TEMPLATE_WORDS', () => {
  it('gives every language exactly the keys of English, nested ones included', () => {
    const english = keysOf(TEMPLATE_WORDS.en);
    expect(Object.keys(TEMPLATE_WORDS).sort()).toEqual([...languages].sort());
    for (const language of languages) expect(keysOf(TEMPLATE_WORDS[language]), language).toEqual(english);
  });

  it.each(languages)('has every function-valued word return a non-empty string in %s', (language) => {
    const called = calledWords(TEMPLATE_WORDS[language]);
    expect(called.length).toBeGreaterThan(0);
    for (const [key, value] of called) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim(), key).not.toBe('');
    }
  });
});
