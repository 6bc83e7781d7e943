import type { Clock } from '../core/clock.js';
import type { NewsletterConfig } from '../core/config.js';
import { applyDraftEdit, type DraftEdit } from '../core/draft-edit.js';
import type { EditionModel, RenderedEdition } from '../core/edition.js';
import type { EditionRecord, EditionStore } from '../ports/edition-store.js';
import { sentKeys } from './collect-articles.js';

export interface EditDraftDependencies {
  editions: EditionStore;
  /** Renders the edited model once (MJML), as the digest rendered the draft. */
  render: (model: EditionModel) => Promise<RenderedEdition>;
  clock: Pick<Clock, 'now'>;
}

/** A draft as an editor sees it: the record and the model it was rendered from. */
export type LoadedDraft =
  | { status: 'not-found' }
  /** Approved, skipped or sent: too late to edit. */
  | { status: 'not-draft'; edition: EditionRecord }
  /** Stored before drafts kept their model: it can be approved or skipped, not edited. */
  | { status: 'no-model'; edition: EditionRecord }
  | { status: 'draft'; edition: EditionRecord; model: EditionModel };

export type EditOutcome =
  | Exclude<LoadedDraft, { status: 'draft' }>
  /** The edit cannot be used; `problem` says which article or field and what to do. Nothing was stored. */
  | { status: 'invalid'; edition: EditionRecord; problem: string }
  | { status: 'unchanged'; edition: EditionRecord }
  /** Someone approved, skipped or edited the draft since it was read: nothing was stored; read it again. */
  | { status: 'conflict'; edition: EditionRecord }
  | { status: 'edited'; edition: EditionRecord; model: EditionModel; changes: string[] };

/** Reads a draft and its model for editing. */
export async function loadDraft(editions: EditionStore, newsletter: NewsletterConfig, editionId: string): Promise<LoadedDraft> {
  const edition = await editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'not-found' };
  if (edition.status !== 'draft') return { status: 'not-draft', edition };
  const stored = await editions.getModel(newsletter.id, editionId);
  if (!stored) return { status: 'no-model', edition };
  return { status: 'draft', edition, model: stored.model };
}

/**
 * Edits a draft, from the review page or `newsletter editions edit`: applies the edit to the
 * draft's model, renders it once, and stores render, model and record together, so the list gets
 * exactly the edited edition. The record keeps who changed what and when (`edits`); the model first
 * built is kept beside the render. Dropped articles are released, as `digest --exclude` leaves
 * them: they go into the next edition.
 *
 * `editsBefore` is how many edits the editor's copy had: a save over someone else's newer edit is
 * refused (`conflict`) rather than undoing theirs.
 *
 * @example
 * const outcome = await editDraft(newsletter, deps, 'ai-talent-2026-03-02-1a2b3c4d', edit, { by: 'editor@example.com' });
 */
export async function editDraft(
  newsletter: NewsletterConfig,
  deps: EditDraftDependencies,
  editionId: string,
  edit: DraftEdit,
  editor: { by: string; editsBefore?: number },
): Promise<EditOutcome> {
  const edition = await deps.editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'not-found' };
  if (edition.status !== 'draft') return { status: 'not-draft', edition };
  const stored = await deps.editions.getModel(newsletter.id, editionId);
  if (!stored) return { status: 'no-model', edition };
  const editsBefore = edition.edits?.length ?? 0;
  if (editor.editsBefore !== undefined && editor.editsBefore !== editsBefore) return { status: 'conflict', edition };

  const applied = applyDraftEdit(newsletter, stored.model, edit);
  if (!applied.ok) return { status: 'invalid', edition, problem: applied.problem };
  if (applied.changes.length === 0) return { status: 'unchanged', edition };

  const rendered = await deps.render(applied.model);
  const entry = { by: editor.by, at: deps.clock.now().toISOString(), changes: applied.changes };
  const changes = {
    subject: applied.model.subject,
    articles: applied.model.articles.map((a) => ({ id: a.id, title: a.title, ...(a.url ? { url: a.url } : {}), ...(a.urlKey ? { urlKey: a.urlKey } : {}) })),
    edits: [...(edition.edits ?? []), entry],
  } satisfies Pick<EditionRecord, 'subject' | 'articles' | 'edits'>;
  const saved = await deps.editions.saveDraftEdit(newsletter.id, editionId, {
    editsBefore,
    changes,
    rendered,
    model: applied.model,
    original: stored.original,
  });
  if (!saved) return { status: 'conflict', edition: (await deps.editions.get(newsletter.id, editionId)) ?? edition };
  if (applied.dropped.length > 0) await deps.editions.releaseArticles(newsletter.id, editionId, applied.dropped.flatMap(sentKeys));
  return { status: 'edited', edition: { ...edition, ...changes }, model: applied.model, changes: applied.changes };
}
