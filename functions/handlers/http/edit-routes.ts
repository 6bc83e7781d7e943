import type { NewsletterConfig } from '../../core/config.js';
import type { DraftEdit } from '../../core/draft-edit.js';
import type { EditionModel, RenderedEdition } from '../../core/edition.js';
import { editionOutcome, type EditionRecord } from '../../core/edition-lifecycle.js';
import { reviewToken, verifyReviewToken } from '../../core/review.js';
import { escapeHtml } from '../../core/html-escape.js';
import { newsletterOfEdition } from '../../use-cases/archive.js';
import { editDraft, loadDraft } from '../../use-cases/edit-draft.js';
import { editionsSentLately } from '../../use-cases/edition-history.js';
import { approveDraft } from '../../use-cases/review-edition.js';
import { EDIT_WORDS, type EditWords } from '../../../templates/review-words.js';
import { decisionPage, reviewPageResult, type ReviewResult, type ReviewRouteDependencies } from './review-routes.js';
import { messagePage, page, wordsForPage } from './http-pages.js';

/**
 * The review page where an editor changes a draft before approving it (`/edit`, from the review
 * copy's "edit" link). GET only shows the form, so a mail scanner fetching the link changes
 * nothing; the form POSTs with the signed edit token in its body (no cookies, so another site
 * cannot make a browser submit it), and "save and send" carries an approve token of its own,
 * signed for this edition when the page was made. Every value on the page is escaped.
 */

export interface EditRouteDependencies extends ReviewRouteDependencies {
  /** Renders an edited draft once, with the newsletter's templates. */
  render: (newsletter: NewsletterConfig, model: EditionModel) => Promise<RenderedEdition>;
}

/** What the form shows: the draft as stored, or as the editor sent it back (after a problem). */
interface FormState {
  subject: string;
  intro: string;
  editsBefore: number;
  articles: { id: string; title: string; points: string; position: number; drop: boolean }[];
}

type Notice = { kind: 'saved' | 'unchanged' | 'conflict'; changes?: string[] } | { kind: 'problem'; text: string };

/** GET shows the form; POST saves the edit (and, with "save and send", approves the draft). */
export async function editRoute(deps: EditRouteDependencies, method: string, query: URLSearchParams, body: string): Promise<ReviewResult> {
  const form = method === 'POST' ? new URLSearchParams(body) : query;
  const editionId = form.get('edition') ?? '';
  const token = form.get('token') ?? '';
  const newsletter = newsletterOfEdition(deps.newsletters, editionId);
  const language = newsletter?.language ?? deps.newsletters[0]!.language;
  const now = deps.now();
  const check = verifyReviewToken(deps.tokenKeys, token, 'edit', editionId, now);
  if (!newsletter || !check.ok || check.claims.newsletterId !== newsletter.id) {
    const w = wordsForPage(language);
    const expired = !check.ok && check.reason === 'expired';
    return reviewPageResult(expired ? 410 : 400, messagePage({ language, title: expired ? w.linkExpiredTitle : w.linkInvalidTitle, text: w.linkInvalidBody }));
  }
  if (method !== 'GET' && method !== 'POST') {
    const w = wordsForPage(language);
    const refused = reviewPageResult(405, messagePage({ language, title: w.notFoundTitle, text: w.notFoundBody }));
    return { ...refused, headers: { ...refused.headers, allow: 'GET, POST' } };
  }
  const expiresAt = check.claims.expiresAt ?? Math.floor(now.getTime() / 1000);
  const tokens = { token, approveToken: reviewToken(deps.tokenKeys.signing, 'approve', newsletter.id, editionId, expiresAt) };
  const words = EDIT_WORDS[newsletter.language];

  if (method === 'GET') {
    const loaded = await loadDraft(deps.editions, newsletter, editionId);
    if (loaded.status === 'not-found' || loaded.status === 'not-draft') return decisionPage(newsletter, loaded);
    if (loaded.status === 'no-model')
      return reviewPageResult(409, messagePage({ language, brand: newsletter.title, title: words.editTitle, text: words.notEditable }));
    return reviewPageResult(200, await editPage(deps, newsletter, loaded.edition, stateOf(loaded.model, loaded.edition), tokens));
  }

  const submitted = stateFromForm(form);
  const outcome = await editDraft(
    newsletter,
    { editions: deps.editions, render: (model) => deps.render(newsletter, model), clock: { now: deps.now } },
    editionId,
    editOf(submitted),
    { by: 'review page', editsBefore: submitted.editsBefore },
  );
  if (outcome.status === 'not-found' || outcome.status === 'not-draft') return decisionPage(newsletter, outcome);
  if (outcome.status === 'no-model')
    return reviewPageResult(409, messagePage({ language, brand: newsletter.title, title: words.editTitle, text: words.notEditable }));
  if (outcome.status === 'invalid')
    return reviewPageResult(422, await editPage(deps, newsletter, outcome.edition, submitted, tokens, { kind: 'problem', text: outcome.problem }));
  if (outcome.status === 'conflict') return reloaded(deps, newsletter, editionId, tokens, { kind: 'conflict' }, 409);

  if (form.get('action') === 'approve') {
    const approval = verifyReviewToken(deps.tokenKeys, form.get('approveToken') ?? '', 'approve', editionId, now);
    if (!approval.ok || approval.claims.newsletterId !== newsletter.id) {
      const w = wordsForPage(language);
      return reviewPageResult(400, messagePage({ language, title: w.linkInvalidTitle, text: w.linkInvalidBody }));
    }
    const decision = await approveDraft(deps.editions, newsletter, editionId);
    if (decision.status === 'approved') await deps.onApproved?.(newsletter, editionId);
    return decisionPage(newsletter, decision);
  }
  return reloaded(deps, newsletter, editionId, tokens, outcome.status === 'edited' ? { kind: 'saved', changes: outcome.changes } : { kind: 'unchanged' }, 200);
}

/** The form again from the stored draft, after a save or a conflict. */
async function reloaded(
  deps: EditRouteDependencies,
  newsletter: NewsletterConfig,
  editionId: string,
  tokens: Tokens,
  notice: Notice,
  status: number,
): Promise<ReviewResult> {
  const loaded = await loadDraft(deps.editions, newsletter, editionId);
  if (loaded.status === 'not-found' || loaded.status === 'not-draft') return decisionPage(newsletter, loaded);
  if (loaded.status === 'no-model')
    return reviewPageResult(
      409,
      messagePage({
        language: newsletter.language,
        brand: newsletter.title,
        title: EDIT_WORDS[newsletter.language].editTitle,
        text: EDIT_WORDS[newsletter.language].notEditable,
      }),
    );
  return reviewPageResult(status, await editPage(deps, newsletter, loaded.edition, stateOf(loaded.model, loaded.edition), tokens, notice));
}

type Tokens = { token: string; approveToken: string };

function stateOf(model: EditionModel, edition: EditionRecord): FormState {
  return {
    subject: model.subject,
    intro: model.intro ?? '',
    editsBefore: edition.edits?.length ?? 0,
    articles: model.articles.map((a, i) => ({ id: a.id, title: a.title, points: a.keyPoints.join('\n'), position: i + 1, drop: false })),
  };
}

/** The posted form, read leniently: what cannot be read stays as typed and `applyDraftEdit` says what is wrong. */
function stateFromForm(form: URLSearchParams): FormState {
  const editsBefore = Number.parseInt(form.get('editsBefore') ?? '', 10);
  return {
    subject: form.get('subject') ?? '',
    intro: form.get('intro') ?? '',
    editsBefore: Number.isSafeInteger(editsBefore) && editsBefore >= 0 ? editsBefore : -1,
    articles: form.getAll('article').map((id, i) => {
      const position = Number.parseInt(form.get(`position:${id}`) ?? '', 10);
      return {
        id,
        title: form.get(`title:${id}`) ?? '',
        points: (form.get(`points:${id}`) ?? '').replace(/\r\n?/gu, '\n'),
        position: Number.isFinite(position) ? position : i + 1,
        drop: form.get(`drop:${id}`) === '1',
      };
    }),
  };
}

/** Kept articles by their position (ties keep the page's order), each key point one line. */
function editOf(state: FormState): DraftEdit {
  const kept = state.articles.map((a, i) => ({ a, i })).filter(({ a }) => !a.drop);
  kept.sort((x, y) => x.a.position - y.a.position || x.i - y.i);
  return {
    subject: state.subject,
    intro: state.intro,
    articles: kept.map(({ a }) => ({ id: a.id, title: a.title, keyPoints: a.points.split('\n') })),
  };
}

async function editPage(
  deps: EditRouteDependencies,
  newsletter: NewsletterConfig,
  edition: EditionRecord,
  state: FormState,
  tokens: Tokens,
  notice?: Notice,
): Promise<string> {
  const words = EDIT_WORDS[newsletter.language];
  const e = escapeHtml;
  const n = state.articles.length;
  const articles = state.articles
    .map((a, i) => {
      const rows = Math.min(12, Math.max(3, a.points.split('\n').length + 1));
      return (
        `<fieldset class="article">
<legend>${e(words.article(i + 1))}: ${e(a.title)}</legend>
<input type="hidden" name="article" value="${e(a.id)}">
<div class="field"><label for="title-${i}">${e(words.title)}</label><input type="text" id="title-${i}" ` +
        `name="title:${e(a.id)}" value="${e(a.title)}" maxlength="300"></div>
<div class="field"><label for="points-${i}">${e(words.keyPoints)}<span ` +
        `class="hint">${e(words.keyPointsHint)}</span></label><textarea id="points-${i}" name="points:${e(a.id)}" ` +
        `rows="${rows}">${e(a.points)}</textarea></div>
<div class="field"><label for="position-${i}">${e(words.position)}</label><input type="number" ` +
        `id="position-${i}" name="position:${e(a.id)}" value="${e(String(a.position))}" min="1" max="${n}"></div>
<label class="check"><input type="checkbox" name="drop:${e(a.id)}" value="1"${a.drop ? ' checked' : ''}> ${e(words.drop)}</label>
</fieldset>`
      );
    })
    .join('\n');
  const body =
    `${noticeHtml(words, notice)}<p>${e(words.editIntro)}</p>
<form method="post" action="edit">
<input type="hidden" name="edition" value="${e(edition.editionId)}">
<input type="hidden" name="token" value="${e(tokens.token)}">
<input type="hidden" name="approveToken" value="${e(tokens.approveToken)}">
<input type="hidden" name="editsBefore" value="${e(String(state.editsBefore))}">
<div class="field"><label for="subject">${e(words.subject)}</label><input type="text" id="subject" ` +
    `name="subject" value="${e(state.subject)}" maxlength="200"></div>
<div class="field"><label for="intro">${e(words.intro)}<span ` +
    `class="hint">${e(words.introHint)}</span></label><textarea id="intro" name="intro" ` +
    `rows="3">${e(state.intro)}</textarea></div>
${articles}
<div class="actions"><button type="submit" name="action" value="save">${e(words.save)}</button>
<button type="submit" name="action" value="approve">${e(words.saveAndApprove)}</button></div>
</form>
${historyHtml(words, edition)}${await pastEditionsHtml(deps, newsletter, words)}`;
  return page({ language: newsletter.language, brand: newsletter.title, title: words.editTitle, body, wide: true });
}

function noticeHtml(words: EditWords, notice: Notice | undefined): string {
  if (!notice) return '';
  const e = escapeHtml;
  if (notice.kind === 'problem') return `<p class="error" role="alert">${e(words.problem)} ${e(notice.text)}</p>\n`;
  const text = notice.kind === 'saved' ? words.saved : notice.kind === 'unchanged' ? words.unchanged : words.conflict;
  return `<p class="${notice.kind === 'conflict' ? 'error' : 'notice'}" role="status">${e(text)}</p>\n`;
}

function historyHtml(words: EditWords, edition: EditionRecord): string {
  if (!edition.edits?.length) return '';
  const e = escapeHtml;
  const items = edition.edits.flatMap((edit) => edit.changes.map((c) => `<li>${e(edit.at.slice(0, 16).replace('T', ' '))} (${e(edit.by)}): ${e(c)}</li>`));
  return `<h2>${e(words.history)}</h2>\n<ul class="muted">${items.join('\n')}</ul>\n`;
}

/** What the last editions did, from their counters (SES delivery, bounce, complaint, reject and delay events). */
async function pastEditionsHtml(deps: EditRouteDependencies, newsletter: NewsletterConfig, words: EditWords): Promise<string> {
  const past = await editionsSentLately(deps, newsletter.id, { shown: 5, among: 8 });
  if (past.length === 0) return '';
  const e = escapeHtml;
  const c = words.pastColumns;
  // Opens and clicks only for a newsletter that counts them (countOpensAndClicks).
  const counting = newsletter.countOpensAndClicks;
  const rows = past.map((x) => {
    const o = editionOutcome(x);
    const values = [o.sent, o.delivered, o.bounces, o.complaints, o.rejected, o.delayed, ...(counting ? [x.counts?.opens ?? 0, x.counts?.clicks ?? 0] : [])];
    return `<tr><td>${e(x.date)} ${e(x.subject)}</td>${values.map((v) => `<td class="n">${v}</td>`).join('')}</tr>`;
  });
  const headers = [c.sent, c.delivered, c.bounces, c.complaints, c.rejected, c.delayed, ...(counting ? [c.opens, c.clicks] : [])];
  return `<h2>${e(words.pastEditions)}</h2>
<div class="scroll"><table><thead><tr><th>${e(c.edition)}</th>${headers.map((h) => `<th class="n">${e(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
`;
}
