import { createHash } from 'node:crypto';
import type { ArticleDigest } from './article.js';
import type { Language, NewsletterConfig } from './config.js';
import { fillSubject } from './subject-template.js';
import { cutAtBoundary } from './text-cut.js';

/**
 * Per-reader parts of a rendered edition. The edition is rendered once with these placeholders;
 * sending replaces them per subscriber, which is string work, not a template compile.
 * The braces survive MJML and HTML untouched and cannot appear in escaped article text unescaped
 * as a whole token, because article text never reaches the output without escaping.
 */
export const PLACEHOLDERS = {
  unsubscribeUrl: '{{unsubscribe_url}}',
  preferencesUrl: '{{preferences_url}}',
} as const;

/** Everything a digest template needs, and nothing about any one reader. */
export interface EditionModel {
  newsletterId: string;
  /** Stable id: the newsletter id plus a hash of the article ids, so a re-run finds the same edition. */
  editionId: string;
  newsletterTitle: string;
  language: Language;
  /** Edition date as YYYY-MM-DD in the newsletter's time zone. */
  date: string;
  subject: string;
  /** The inbox preview line shown after the subject. */
  preheader: string;
  articles: ArticleDigest[];
  postalAddress: string;
  fromName: string;
  /** Link to the web copy of this edition, when there is one. */
  webUrl?: string;
  /** The operator's own opening words for this edition (`digest --intro`), in place of the greeting. */
  intro?: string;
}

/** The rendered edition: compiled once, personalised per reader by replacing PLACEHOLDERS. */
export interface RenderedEdition {
  subject: string;
  html: string;
  text: string;
}

/** Formats a date as YYYY-MM-DD in the given IANA time zone. */
function editionDate(now: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The edition id for a set of articles; the same articles on the same day give the same id. */
function editionIdFor(newsletterId: string, date: string, articleIds: string[], attempt = 0): string {
  const hash = createHash('sha256')
    .update([...articleIds].sort().join('\n'))
    .update(attempt ? `#${attempt}` : '')
    .digest('hex');
  return `${newsletterId}-${date}-${hash.slice(0, 8)}`;
}

const PREHEADER_LIMIT = 140;

/**
 * Builds the edition model; the subject leads with the first article's headline, which is what
 * gets opened. `convertText` rewrites article titles and key points once for the whole edition
 * before anything is derived from them (the renderer passes the Chinese script conversion).
 */
export function buildEditionModel(input: {
  newsletter: NewsletterConfig;
  articles: ArticleDigest[];
  now: Date;
  attempt?: number;
  webUrl?: string;
  convertText?: ((text: string) => string) | undefined;
}): EditionModel {
  const { newsletter, now, convertText } = input;
  const articles = convertText
    ? input.articles.map((article) => ({ ...article, title: convertText(article.title), keyPoints: article.keyPoints.map(convertText) }))
    : input.articles;
  const date = editionDate(now, newsletter.schedule.timeZone);
  const preheader = editionPreheader(newsletter, articles);
  return {
    newsletterId: newsletter.id,
    editionId: editionIdFor(
      newsletter.id,
      date,
      articles.map((a) => a.id),
      input.attempt,
    ),
    newsletterTitle: newsletter.title,
    language: newsletter.language,
    date,
    // Never a run of capitals a spam filter reads as shouting (a CJK subject has no lower case).
    subject: withoutCapsSignal(editionSubject(newsletter, articles, date), newsletter.language),
    preheader,
    articles,
    postalAddress: newsletter.postalAddress,
    fromName: newsletter.from.name,
    ...(input.webUrl ? { webUrl: input.webUrl } : {}),
  };
}

/** The inbox preview line: the first key point, cut at a word, never inside a figure ("€2." for "€2.1 million" tells the reader another number). */
export function editionPreheader(newsletter: Pick<NewsletterConfig, 'title' | 'language'>, articles: Pick<ArticleDigest, 'keyPoints'>[]): string {
  return cutAtBoundary(articles[0]?.keyPoints[0] ?? newsletter.title, PREHEADER_LIMIT, newsletter.language);
}

/**
 * The subject of an edition of these articles: the newsletter's own template (`subject` in the
 * config) or the newsletter's name and the first headline, with how many more articles there are.
 * Either way it fits an inbox (INBOX_SUBJECT_LIMIT): the headline is cut at a word, with "…".
 */
export function editionSubject(
  newsletter: Pick<NewsletterConfig, 'title' | 'language' | 'subject'>,
  articles: Pick<ArticleDigest, 'title'>[],
  date: string,
): string {
  const first = articles[0];
  const values = {
    title: newsletter.title,
    firstArticle: first ? stripEndPunctuation(first.title) : '',
    count: String(articles.length),
    date: subjectDate(date, newsletter.language),
  };
  if (newsletter.subject) return fillSubject(newsletter.subject, values, newsletter.language);
  if (!first) return fillSubject('{title}', values, newsletter.language);
  const separator = FULL_WIDTH_SEPARATOR.has(newsletter.language) ? '｜' : ': ';
  const more = articles.length - 1;
  return fillSubject(`{title}${separator}{firstArticle}${more > 0 ? MORE_LABEL[newsletter.language](more) : ''}`, values, newsletter.language);
}

/** The edition date (YYYY-MM-DD) as the newsletter's language writes it: "Mar 2, 2026", "2026年3月2日". */
function subjectDate(date: string, language: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

const MORE_LABEL: Record<Language, (n: number) => string> = {
  en: (n) => ` (+${n} more)`,
  'zh-Hant': (n) => `（另有${n}篇）`,
  'zh-Hans': (n) => `（另有${n}篇）`,
  de: (n) => ` (+${n} weitere)`,
  fr: (n) => ` (+${n} autres)`,
  es: (n) => ` (+${n} más)`,
  ja: (n) => `（ほか${n}本）`,
  ko: (n) => ` (외 ${n}건)`,
};

/**
 * SpamAssassin's SUBJ_ALL_CAPS fires on a subject that has whitespace and whose ASCII letters are all
 * capitals: a Chinese or Japanese subject whose only Latin letters are an acronym ("AI 人才週報")
 * reads as shouting. These scripts need no spaces between words, so in their subjects the spaces
 * beside a Chinese or Japanese character go; a space between two Latin words stays.
 */
export function withoutCapsSignal(subject: string, language: Language): string {
  if (!FULL_WIDTH_SEPARATOR.has(language)) return subject;
  return subject.replace(
    /\s+(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef])|(?<=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef])\s+/gu,
    '',
  );
}

/** Chinese and Japanese titles read better with a full-width bar than with a colon. */
const FULL_WIDTH_SEPARATOR: ReadonlySet<Language> = new Set(['zh-Hant', 'zh-Hans', 'ja']);

function stripEndPunctuation(s: string): string {
  return s.replace(/[。.!！?？]+$/u, '');
}
