import type { EditionRecord } from '../ports/edition-store.js';
import { printable } from './terminal-text.js';

/** What a manual-approval run says: the draft is stored, the operators have it, and what to run next. */
export function draftLine(edition: EditionRecord, reviewSent: number | undefined): string {
  return (
    `Draft ${edition.editionId} (${printable(edition.subject)}) built for review: sent to ${reviewSent ?? 0} ` +
    `operator${reviewSent === 1 ? '' : 's'}, nothing sent to the list.\n` +
    `Approve with the link in the review mail or "npx newsletter editions approve ${edition.editionId}"; skip with ` +
    `"npx newsletter editions skip ${edition.editionId}".`
  );
}

/** A draft already waits: a run builds nothing more until it is approved or skipped. */
export function awaitingReviewLine(edition: EditionRecord): string {
  return (
    `Draft ${edition.editionId} still waits for review: no new edition built, nothing sent. Run ` +
    `"npx newsletter editions approve ${edition.editionId}" or "npx newsletter editions skip ${edition.editionId}".`
  );
}
