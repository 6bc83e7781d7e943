import { resumeEdition } from '../core/edition-lifecycle.js';
import type { EditionStore } from '../ports/edition-store.js';

/**
 * The way back on one machine (`editions resume`, `editions resend` without `--aws`): the edition
 * goes back to `sending` and the next `newsletter digest` resumes it. The ledger sends nobody a
 * second copy, so the next run reaches exactly who does not have the edition yet (on AWS the same
 * readers are queued for the senders instead: `requeue-edition.ts`).
 */
export interface LocalResumeDependencies {
  editions: Pick<EditionStore, 'get' | 'update'>;
}

export type LocalResumeResult =
  | { status: 'missing' }
  /** Still sending (a quota stop, an interrupted run): the next run goes on with it as it is. */
  | { status: 'goes-on' }
  | { status: 'refused'; reason: string }
  | { status: 'resumes' };

/** A paused edition (SES not ready, bounce or complaint rate) goes on with the next digest, its counters so far as the baseline. */
export async function resumeLocalEdition(deps: LocalResumeDependencies, newsletterId: string, editionId: string): Promise<LocalResumeResult> {
  const edition = await deps.editions.get(newsletterId, editionId);
  if (!edition) return { status: 'missing' };
  const decision = resumeEdition(edition);
  if (decision.next === 'goes-on') return { status: 'goes-on' };
  if (decision.next === 'refuse') return { status: 'refused', reason: decision.reason };
  await deps.editions.update(newsletterId, editionId, decision.changes);
  return { status: 'resumes' };
}

export type LocalResendResult =
  | { status: 'missing' }
  | { status: 'refused'; reason: string }
  | { status: 'nothing-to-send' }
  | { status: 'resends'; failed: number };

/**
 * A finished edition's failed deliveries go out again on the next digest: the ledger lets a failed
 * delivery be claimed again and skips whoever has the edition, so the resumed run sends exactly the
 * failed ones (and anyone confirmed since).
 */
export async function resendLocalFailures(deps: LocalResumeDependencies, newsletterId: string, editionId: string): Promise<LocalResendResult> {
  const edition = await deps.editions.get(newsletterId, editionId);
  if (!edition) return { status: 'missing' };
  if (edition.status !== 'sent') {
    return {
      status: 'refused',
      reason:
        `edition ${editionId} is ${edition.status}, not finished: "npx newsletter editions resume ${editionId}" and ` +
        `the next digest send everyone who does not have it, failed deliveries included`,
    };
  }
  const failed = edition.report?.failed ?? edition.counts?.failed ?? 0;
  if (failed === 0) return { status: 'nothing-to-send' };
  await deps.editions.update(newsletterId, editionId, { status: 'sending', finishedAt: undefined });
  return { status: 'resends', failed };
}
