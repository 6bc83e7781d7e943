import type { NewsletterConfig } from '../core/config.js';
import type { EditionRecord, EditionStore } from '../ports/edition-store.js';
import { sentKeys } from './collect-articles.js';
import { resumeQueuedEdition, type RequeueDependencies, type RequeueResult } from './delivery/requeue-edition.js';
import { runDigest, type DigestDependencies, type DigestOptions, type DigestResult } from './run-digest.js';

/** What an approve or skip did; only the first decision on a draft changes anything. */
export type ReviewDecision =
  | { status: 'not-found' }
  /** Approved, skipped or sent already: a second click or command does nothing. */
  | { status: 'not-draft'; edition: EditionRecord }
  | { status: 'approved'; edition: EditionRecord }
  | { status: 'skipped'; edition: EditionRecord };

/** The draft an approve or skip link names, as its confirmation page shows it. */
export type DraftToDecide = Extract<ReviewDecision, { status: 'not-found' | 'not-draft' }> | { status: 'draft'; edition: EditionRecord };

/**
 * Reads the draft an approve or skip link names, for the page that asks to confirm: nothing
 * changes (mail scanners fetch every link), so a draft already decided is only reported.
 */
export async function draftToDecide(editions: Pick<EditionStore, 'get'>, newsletter: NewsletterConfig, editionId: string): Promise<DraftToDecide> {
  const edition = await editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'not-found' };
  if (edition.status !== 'draft') return { status: 'not-draft', edition };
  return { status: 'draft', edition };
}

/**
 * Approves a draft: one conditional write moves it from draft to sending, so of two approvals at
 * once exactly one goes ahead. Sending is the ordinary run's job (it resumes a sending edition).
 */
export async function approveDraft(editions: EditionStore, newsletter: NewsletterConfig, editionId: string): Promise<ReviewDecision> {
  const edition = await editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'not-found' };
  if (!(await editions.moveStatus(newsletter.id, editionId, 'draft', 'sending')))
    return { status: 'not-draft', edition: (await editions.get(newsletter.id, editionId)) ?? edition };
  return { status: 'approved', edition: { ...edition, status: 'sending' } };
}

/** Skips a draft: nothing is sent, and its articles are released so the next edition carries them. */
export async function skipDraft(editions: EditionStore, newsletter: NewsletterConfig, editionId: string): Promise<ReviewDecision> {
  const edition = await editions.get(newsletter.id, editionId);
  if (!edition) return { status: 'not-found' };
  if (!(await editions.moveStatus(newsletter.id, editionId, 'draft', 'skipped')))
    return { status: 'not-draft', edition: (await editions.get(newsletter.id, editionId)) ?? edition };
  await editions.releaseArticles(newsletter.id, editionId, edition.articles.flatMap(sentKeys));
  return { status: 'skipped', edition: { ...edition, status: 'skipped' } };
}

/**
 * `editions approve ID` on one machine: approves the draft, then sends it to the list in-process
 * like `digest` does. A draft that was already decided sends nothing.
 */
export async function approveAndSend(
  newsletter: NewsletterConfig,
  deps: DigestDependencies,
  editionId: string,
  options: DigestOptions = {},
): Promise<{ decision: ReviewDecision; result?: DigestResult }> {
  const decision = await approveDraft(deps.editions, newsletter, editionId);
  if (decision.status !== 'approved') return { decision };
  return { decision, result: await runDigest(newsletter, deps, options) };
}

/**
 * Approval on AWS (`editions approve ID --aws`, and the approve link on the subscription function):
 * approves the draft, then queues every confirmed reader who does not have it yet for the stack's
 * senders, as the digest's fan-out does, so it goes out now rather than with the next scheduled run.
 * A draft that was already decided queues nothing; the ledger's group locks make a later run that resumes
 * the edition harmless.
 */
export async function approveAndQueue(
  newsletter: NewsletterConfig,
  editionId: string,
  deps: RequeueDependencies,
): Promise<{ decision: ReviewDecision; queued?: RequeueResult }> {
  const decision = await approveDraft(deps.editions, newsletter, editionId);
  if (decision.status !== 'approved') return { decision };
  return { decision, queued: await resumeQueuedEdition(newsletter, editionId, deps) };
}
