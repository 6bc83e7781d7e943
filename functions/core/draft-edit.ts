import type { ArticleDigest } from './article.js';
import type { NewsletterConfig } from './config.js';
import { editionPreheader, editionSubject, type EditionModel } from './edition.js';

/**
 * An editor's changes to a draft (approval: "manual"), from the review page or
 * `newsletter editions edit`: the articles to keep, in the order to send them, each with its key
 * points as they should read; an article left out is dropped. The subject and the opening words
 * may be rewritten too.
 */
export interface DraftEdit {
  /** The subject as the editor wants it; absent or unchanged keeps the made one (made afresh when the first article changes). */
  subject?: string;
  /** The opening words; empty puts the template's greeting back. Absent keeps them. */
  intro?: string;
  articles: { id: string; title?: string; keyPoints: string[] }[];
}

export type DraftEditResult = { ok: true; model: EditionModel; changes: string[]; dropped: ArticleDigest[] } | { ok: false; problem: string };

const EDIT_LIMITS = { subject: 200, intro: 2000, title: 300, keyPoint: 1000, keyPoints: 20 } as const;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/u;

/**
 * Applies an edit to the draft's model, checking it as it goes: the result is the model to render
 * and send, with what changed in words, or the first problem (which article, which field, and what
 * to do). The edition keeps its id, date and links; the preheader follows the new first key point.
 *
 * @example
 * const result = applyDraftEdit(newsletter, model, { subject: 'Our pick', articles: [{ id: 'a1', keyPoints: ['First.'] }] });
 * if (result.ok) await render(result.model);
 */
export function applyDraftEdit(newsletter: Pick<NewsletterConfig, 'title' | 'language' | 'subject'>, model: EditionModel, edit: DraftEdit): DraftEditResult {
  const byId = new Map(model.articles.map((a) => [a.id, a]));
  if (edit.articles.length === 0) return { ok: false, problem: 'no article is left: keep at least one, or skip the edition instead' };
  const seen = new Set<string>();
  const articles: ArticleDigest[] = [];
  const changes: string[] = [];
  for (const wanted of edit.articles) {
    const article = byId.get(wanted.id);
    if (!article) return { ok: false, problem: `article ${wanted.id} is not in this draft: use the ids it has (${[...byId.keys()].join(', ')})` };
    if (seen.has(wanted.id)) return { ok: false, problem: `article ${wanted.id} (“${article.title}”) appears twice: keep it once` };
    seen.add(wanted.id);
    const title = (wanted.title ?? article.title).trim();
    if (!title) return { ok: false, problem: `article “${article.title}” has an empty title: write one, or keep the old one` };
    const keyPoints = wanted.keyPoints.map((p) => p.trim()).filter((p) => p !== '');
    if (keyPoints.length === 0) return { ok: false, problem: `article “${article.title}” has no key point left: keep at least one, or drop the article` };
    if (keyPoints.length > EDIT_LIMITS.keyPoints)
      return { ok: false, problem: `article “${article.title}” has ${keyPoints.length} key points: keep at most ${EDIT_LIMITS.keyPoints}` };
    const tooLong = keyPoints.find((p) => [...p].length > EDIT_LIMITS.keyPoint);
    if (tooLong)
      return { ok: false, problem: `a key point of “${article.title}” is longer than ${EDIT_LIMITS.keyPoint} characters (“${short(tooLong)}”): shorten it` };
    if ([...title].length > EDIT_LIMITS.title)
      return { ok: false, problem: `the title of “${short(article.title)}” is longer than ${EDIT_LIMITS.title} characters: shorten it` };
    const bad = [title, ...keyPoints].find((t) => CONTROL.test(t) || /[\r\n]/u.test(t));
    if (bad !== undefined)
      return { ok: false, problem: `“${short(bad)}” in article “${article.title}” holds a line break or control character: write it on one line` };
    if (title !== article.title) changes.push(`article “${article.title}”: title → “${title}”`);
    changes.push(...keyPointChanges(title, article.keyPoints, keyPoints));
    articles.push({ ...article, title, keyPoints });
  }
  const dropped = model.articles.filter((a) => !seen.has(a.id));
  for (const a of dropped) changes.push(`dropped article “${a.title}”`);
  const keptInOldOrder = model.articles.filter((a) => seen.has(a.id)).map((a) => a.id);
  if (keptInOldOrder.join('\n') !== articles.map((a) => a.id).join('\n')) changes.push(`articles reordered: ${articles.map((a) => `“${a.title}”`).join(', ')}`);

  let subject = model.subject;
  const wantedSubject = edit.subject?.trim();
  if (wantedSubject !== undefined && wantedSubject !== model.subject) {
    if (!wantedSubject) return { ok: false, problem: 'the subject is empty: write one, or leave the one the draft has' };
    if ([...wantedSubject].length > EDIT_LIMITS.subject)
      return { ok: false, problem: `the subject has ${[...wantedSubject].length} characters: keep it to ${EDIT_LIMITS.subject} (inboxes show about 60)` };
    if (CONTROL.test(wantedSubject) || /[\r\n]/u.test(wantedSubject))
      return { ok: false, problem: 'the subject holds a line break or control character: write it on one line' };
    subject = wantedSubject;
  } else if (model.subject === editionSubject(newsletter, model.articles, model.date)) {
    // A made subject names the first article and the count: it follows the edit.
    subject = editionSubject(newsletter, articles, model.date);
  }
  if (subject !== model.subject) changes.unshift(`subject: “${model.subject}” → “${subject}”`);

  let intro = model.intro;
  if (edit.intro !== undefined) {
    const wantedIntro = edit.intro.replace(/\r\n?/gu, '\n').trim();
    if ([...wantedIntro].length > EDIT_LIMITS.intro)
      return { ok: false, problem: `the opening words have ${[...wantedIntro].length} characters: keep them to ${EDIT_LIMITS.intro}` };
    if (CONTROL.test(wantedIntro)) return { ok: false, problem: 'the opening words hold a control character: remove it' };
    intro = wantedIntro === '' ? undefined : wantedIntro;
    if (intro !== model.intro)
      changes.splice(subject !== model.subject ? 1 : 0, 0, intro === undefined ? 'intro: back to the greeting' : `intro: “${short(intro)}”`);
  }

  const { intro: _oldIntro, ...rest } = model;
  const edited: EditionModel = { ...rest, subject, preheader: editionPreheader(newsletter, articles), articles, ...(intro !== undefined ? { intro } : {}) };
  return { ok: true, model: edited, changes, dropped };
}

/** What happened to one article's key points, in words: removed, new or rewritten, reordered. */
function keyPointChanges(title: string, before: string[], after: string[]): string[] {
  const changes: string[] = [];
  const kept = new Set(after);
  const old = new Set(before);
  for (const p of before) if (!kept.has(p)) changes.push(`article “${title}”: removed key point “${short(p)}”`);
  for (const p of after) if (!old.has(p)) changes.push(`article “${title}”: new key point “${short(p)}”`);
  const commonBefore = before.filter((p) => kept.has(p));
  const commonAfter = after.filter((p) => old.has(p));
  if (commonBefore.join('\n') !== commonAfter.join('\n')) changes.push(`article “${title}”: key points reordered`);
  return changes;
}

function short(text: string): string {
  const chars = [...text];
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : text;
}
