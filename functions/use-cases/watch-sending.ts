import type { Clock } from '../core/clock.js';
import type { NewsletterConfig } from '../core/config.js';
import type { EditionStore } from '../ports/edition-store.js';

/**
 * How many of a newsletter's newest editions the watch reads. An edition stuck sending is one of
 * the last few (ten days of a daily newsletter, ten weeks of a weekly one); reading more would only
 * cost reads.
 */
const WATCHED_EDITIONS = 10;

/** An edition still `sending`, and for how long since it was made. */
export interface SendingEdition {
  newsletterId: string;
  editionId: string;
  hours: number;
}

export interface SendingWatch {
  /** Hours of the oldest edition still sending; 0 when none is. */
  oldestHours: number;
  /** Oldest first. */
  sending: SendingEdition[];
}

/**
 * The editions still `sending`, for the hourly watch: a quota wait re-queues its batches, so the
 * send queue's age never says that an edition has been going on for days; the age of the edition
 * does. The age counts from the edition's creation (the record keeps no time it started sending),
 * so a draft approved late looks older than its sending by the time it waited for approval.
 *
 * @example
 * const watch = await watchSendingEditions(config.newsletters, { editions, clock });
 * if (watch.oldestHours > 36) console.log(watch.sending[0]);
 */
export async function watchSendingEditions(
  newsletters: Pick<NewsletterConfig, 'id'>[],
  deps: { editions: Pick<EditionStore, 'list'>; clock: Clock },
): Promise<SendingWatch> {
  const now = deps.clock.now().getTime();
  const sending: SendingEdition[] = [];
  for (const newsletter of newsletters) {
    for (const edition of await deps.editions.list(newsletter.id, WATCHED_EDITIONS)) {
      if (edition.status !== 'sending') continue;
      const hours = Math.max(0, (now - Date.parse(edition.createdAt)) / 3_600_000);
      sending.push({ newsletterId: newsletter.id, editionId: edition.editionId, hours: Math.round(hours * 10) / 10 });
    }
  }
  sending.sort((a, b) => b.hours - a.hours);
  return { oldestHours: sending[0]?.hours ?? 0, sending };
}
