import type { EditionModel, RenderedEdition } from '../core/edition.js';

export type { EditionCounts, EditionRecord, EditionStatus } from '../core/edition-lifecycle.js';
import type { EditionCounts, EditionRecord, EditionStatus } from '../core/edition-lifecycle.js';

/** An editor's changes to a draft, as `EditionStore.saveDraftEdit` stores them. */
export interface DraftEdit {
  /** How many edits the draft had when the editor opened it: the write holds only if it still has that many. */
  editsBefore: number;
  changes: Pick<EditionRecord, 'subject' | 'articles' | 'edits'>;
  rendered: RenderedEdition;
  model: EditionModel;
  original: EditionModel;
}

/** Editions, their rendered copies and the record of which articles went out. */
export interface EditionStore {
  /**
   * Creates the edition; false when an edition with this id already exists. The model it was
   * rendered from is kept beside the render, so a draft can be edited and rendered again.
   */
  create(edition: EditionRecord, rendered: RenderedEdition, model?: EditionModel): Promise<boolean>;
  get(newsletterId: string, editionId: string): Promise<EditionRecord | undefined>;
  getRendered(newsletterId: string, editionId: string): Promise<RenderedEdition | undefined>;
  /** The model the stored render was made from, and the one first built (before any edit); undefined for an edition stored without one. */
  getModel(newsletterId: string, editionId: string): Promise<{ model: EditionModel; original: EditionModel } | undefined>;
  /**
   * Stores an editor's changes to a draft: the record's changes (subject, articles, the edits list)
   * in one write that holds only while the edition is a draft with `editsBefore` edits, then the new
   * render and model. False, with nothing written, when it was approved, skipped or edited meanwhile.
   */
  saveDraftEdit(newsletterId: string, editionId: string, edit: DraftEdit): Promise<boolean>;
  /** Newest first. */
  list(newsletterId: string, limit: number): Promise<EditionRecord[]>;
  /**
   * One page of editions, newest date first (within a date, in no particular order); `cursor` is
   * where the next page starts, absent on the last. For reading on past a filter (the archive).
   */
  listPage(newsletterId: string, page: { limit: number; cursor?: string }): Promise<{ editions: EditionRecord[]; cursor?: string }>;
  update(newsletterId: string, editionId: string, changes: Partial<Omit<EditionRecord, 'newsletterId' | 'editionId'>>): Promise<void>;
  /**
   * Moves a sending edition to paused with the reason; false when it was no longer sending (another
   * run paused or finished it first). One conditional write, so exactly one run pauses it.
   */
  pause(newsletterId: string, editionId: string, reason: string): Promise<boolean>;
  /**
   * Moves the edition from one status to another in one conditional write; false when it was not
   * in `from` (so of two approvals at once exactly one goes ahead).
   */
  moveStatus(newsletterId: string, editionId: string, from: EditionStatus, to: EditionStatus): Promise<boolean>;
  /** Forgets that these articles went out with this edition (a skipped draft), so the next edition carries them. */
  releaseArticles(newsletterId: string, editionId: string, keys: string[]): Promise<void>;
  /** Adds to the edition's counters atomically (senders in parallel, bounce and complaint notifications); returns the edition as it now is. */
  addCounts(newsletterId: string, editionId: string, counts: Partial<EditionCounts>): Promise<EditionRecord>;
  /** Which of these article ids (content hashes or canonical-URL keys) went out in an earlier edition. */
  sentArticleKeys(newsletterId: string, keys: string[]): Promise<Set<string>>;
  markArticlesSent(newsletterId: string, editionId: string, keys: string[], at: string): Promise<void>;
}
