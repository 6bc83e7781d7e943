import type { NewsletterConfig } from '../core/config.js';
import type { DeliveryLookup, FailedDelivery } from '../ports/delivery-lookup.js';
import type { EditionRecord, EditionStore } from '../ports/edition-store.js';

/**
 * The operator's reading of what went out (`editions list`, `editions show`, what `preview` says
 * the next digest does first): the edition store and, where the senders keep no run report (a
 * fanned-out edition on AWS), the ledger's failed deliveries.
 */
export interface EditionHistoryDependencies {
  editions: Pick<EditionStore, 'list' | 'get'>;
  /** Absent locally: a local run's report already counts its failures. */
  deliveries?: Pick<DeliveryLookup, 'failed'>;
}

/** The latest editions of a newsletter, newest first. */
export function latestEditions(deps: EditionHistoryDependencies, newsletterId: string, limit: number): Promise<EditionRecord[]> {
  return deps.editions.list(newsletterId, limit);
}

/**
 * The latest editions that went out or are going out (sent, sending or paused), newest first: the
 * `shown` newest of the last `among`, so drafts and skipped editions in between cost no place.
 */
export async function editionsSentLately(
  deps: EditionHistoryDependencies,
  newsletterId: string,
  options: { shown: number; among: number },
): Promise<EditionRecord[]> {
  const latest = await deps.editions.list(newsletterId, options.among);
  return latest.filter((e) => e.status === 'sent' || e.status === 'sending' || e.status === 'paused').slice(0, options.shown);
}

/** Failed deliveries of an edition: the complete count and the first `shown` of them (by subscriber id). */
export interface FailedDeliveries {
  count: number;
  first: FailedDelivery[];
}

export type EditionDetails = { status: 'missing' } | { status: 'found'; edition: EditionRecord; failures?: FailedDeliveries };

/**
 * One edition with, where the place has the ledger's lookup, its failed deliveries: the count is
 * always complete, the list stops at `shown` (memory stays flat however many failed).
 *
 * @example
 * const details = await editionDetails({ editions, deliveries }, 'weekly', 'weekly-2026-03-02-1a2b3c4d', { shown: 20 });
 */
export async function editionDetails(
  deps: EditionHistoryDependencies,
  newsletterId: string,
  editionId: string,
  options: { shown: number },
): Promise<EditionDetails> {
  const edition = await deps.editions.get(newsletterId, editionId);
  if (!edition) return { status: 'missing' };
  if (!deps.deliveries) return { status: 'found', edition };
  const failures: FailedDeliveries = { count: 0, first: [] };
  for await (const page of deps.deliveries.failed(editionId)) {
    for (const failure of page) {
      failures.count++;
      if (failures.first.length < options.shown) failures.first.push(failure);
    }
  }
  return { status: 'found', edition, failures };
}

/** What the next digest does before it builds a new edition: finish one still going out, or wait for a draft's review. */
export type NextRunWaits = { for: 'nothing' } | { for: 'unfinished'; edition: EditionRecord } | { for: 'review'; edition: EditionRecord };

/** How far back the next run looks for an unfinished edition or a draft (the digest resumes the latest). */
const RECENT_EDITIONS = 5;

/** What a new edition built now (`preview`) would wait for on the next digest. */
export async function nextRunWaitsFor(deps: EditionHistoryDependencies, newsletter: Pick<NewsletterConfig, 'id' | 'approval'>): Promise<NextRunWaits> {
  const recent = await deps.editions.list(newsletter.id, RECENT_EDITIONS);
  const unfinished = recent.find((e) => e.status === 'sending');
  if (unfinished) return { for: 'unfinished', edition: unfinished };
  const draft = newsletter.approval === 'manual' ? recent.find((e) => e.status === 'draft') : undefined;
  return draft ? { for: 'review', edition: draft } : { for: 'nothing' };
}
