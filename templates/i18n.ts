import type { Language } from '../functions/core/config.js';
import { words as de } from './words/de.js';
import { words as en } from './words/en.js';
import { words as es } from './words/es.js';
import { words as fr } from './words/fr.js';
import { words as ja } from './words/ja.js';
import { words as ko } from './words/ko.js';
import { words as zhHans } from './words/zh-Hans.js';
import { words as zhHant } from './words/zh-Hant.js';
import type { LanguageWords, PageWords, TemplateWords } from './words/types.js';

export type { PageWords, TemplateWords } from './words/types.js';

/**
 * The words of every newsletter language, one file per language under `words/`. Typed as a record
 * over `Language`, so a language the config accepts without a words file (or the reverse) does
 * not compile.
 */
const LANGUAGE_WORDS: Readonly<Record<Language, LanguageWords>> = {
  'zh-Hant': zhHant,
  'zh-Hans': zhHans,
  en,
  de,
  fr,
  es,
  ja,
  ko,
};

function tableOf<K extends keyof LanguageWords>(part: K): Readonly<Record<Language, LanguageWords[K]>> {
  return Object.fromEntries(Object.entries(LANGUAGE_WORDS).map(([language, words]) => [language, words[part]])) as Record<Language, LanguageWords[K]>;
}

export const TEMPLATE_WORDS: Readonly<Record<Language, TemplateWords>> = tableOf('template');

export const PAGE_WORDS: Readonly<Record<Language, PageWords>> = tableOf('page');

/**
 * The template words for a newsletter language.
 *
 * @example
 * wordsFor('zh-Hant').unsubscribe; // '取消訂閱'
 */
export function wordsFor(language: Language): TemplateWords {
  return TEMPLATE_WORDS[language];
}

/** The page words for a newsletter language. */
export function pageWordsFor(language: Language): PageWords {
  return PAGE_WORDS[language];
}
