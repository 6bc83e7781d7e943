import { cutAtBoundary } from './text-cut.js';

/**
 * A newsletter's own subject line (`subject` in the config), such as `"{title}: {firstArticle}"`.
 * Checked when the config loads, so a typo such as `{frist}` stops the run instead of reaching
 * every inbox as literal braces.
 */

const SUBJECT_FIELDS = ['title', 'firstArticle', 'count', 'date'] as const;
type SubjectField = (typeof SUBJECT_FIELDS)[number];
export type SubjectValues = Record<SubjectField, string>;

/**
 * What an inbox shows of a subject before cutting it off (phones about 40, desktops 60 to 70
 * characters): a made subject stays within this, cut at a word with an ellipsis.
 */
export const INBOX_SUBJECT_LIMIT = 65;

/** A first headline cut shorter than this says nothing: below it the whole subject is cut instead. */
const MIN_HEADLINE = 12;

const FIELD = /\{([^{}]*)\}/gu;

/** Why the template cannot be used (an unknown field, a stray brace), or undefined when it can. */
export function subjectTemplateProblem(template: string): string | undefined {
  for (const [, name] of template.matchAll(FIELD)) {
    if (!(SUBJECT_FIELDS as readonly string[]).includes(name!)) {
      const near = SUBJECT_FIELDS.find((f) => f.toLowerCase() === name!.trim().toLowerCase());
      return `"{${name}}" is not a subject field${near ? `; did you mean "{${near}}"?` : ''}: use ${SUBJECT_FIELDS.map((f) => `{${f}}`).join(', ')}`;
    }
  }
  if (/[{}]/u.test(template.replace(FIELD, ''))) return 'has a brace without its pair: write fields as {title}, {firstArticle}, {count} or {date}';
  if (template.replace(FIELD, '').trim() === '' && !/\{(title|firstArticle)\}/u.test(template)) return 'needs some words, {title} or {firstArticle}';
  return undefined;
}

/**
 * Fills the template and keeps it within `limit` characters: the first headline is what gets
 * shortened (at a word, with "…"), so the newsletter's name and the article count stay whole.
 *
 * @example
 * fillSubject('{title}: {firstArticle} ({count})', { title: 'AI Weekly', firstArticle: 'Chips', count: '3', date: '2026-03-02' }, 'en');
 * // 'AI Weekly: Chips (3)'
 */
export function fillSubject(template: string, values: SubjectValues, language: string, limit = INBOX_SUBJECT_LIMIT): string {
  const fill = (first: string) => collapse(template.replace(FIELD, (_, name: SubjectField) => (name === 'firstArticle' ? first : values[name])));
  const whole = fill(values.firstArticle);
  if ([...whole].length <= limit) return whole;
  const uses = template.split('{firstArticle}').length - 1;
  const room = uses === 1 ? limit - [...fill('')].length : 0;
  if (room >= MIN_HEADLINE) return fill(cutAtBoundary(values.firstArticle, room, language));
  return cutAtBoundary(whole, limit, language);
}

function collapse(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
