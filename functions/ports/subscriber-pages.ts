import type { Subscriber, SubscriberStatus } from '../core/subscriber.js';
import type { SubscriberStore } from './subscriber-store.js';

/**
 * A newsletter's subscribers (of one status, or all), a page at a time: memory stays flat however
 * long the list is. The one way the send paths, the resume and the operator's listing page through
 * the store.
 */
export async function* subscriberPages(
  subscribers: SubscriberStore,
  newsletterId: string,
  options: { status?: SubscriberStatus; pageSize?: number; readAhead?: boolean } = {},
): AsyncGenerator<Subscriber[]> {
  for await (const page of subscriberPagesFrom(subscribers, newsletterId, options)) yield page.subscribers;
}

/**
 * The same pages, each with the cursor that reads on after it (none after the last), starting
 * after `from`: a fan-out split over several function runs hands the cursor on. `readAhead: false`
 * reads a page only when it is asked for (a sender that prepares the next page itself, and must
 * know how old what it read is).
 */
export async function* subscriberPagesFrom(
  subscribers: SubscriberStore,
  newsletterId: string,
  options: { status?: SubscriberStatus; pageSize?: number; from?: string; readAhead?: boolean } = {},
): AsyncGenerator<{ subscribers: Subscriber[]; cursor?: string }> {
  const pageAfter = (after?: string) => {
    const read = subscribers.list(newsletterId, {
      limit: options.pageSize ?? 500,
      ...(options.status ? { status: options.status } : {}),
      ...(after ? { cursor: after } : {}),
    });
    // A page read ahead and then not needed (the caller stopped) must not fail the run when it fails.
    read.catch(() => {});
    return read;
  };
  const readAhead = options.readAhead ?? true;
  let next: ReturnType<typeof pageAfter> | undefined = pageAfter(options.from);
  while (next) {
    const page: Awaited<ReturnType<typeof pageAfter>> = await next;
    // The next page is read while the caller works on this one, so it does not stall on the store between pages (two pages at most).
    next = page.cursor && readAhead ? pageAfter(page.cursor) : undefined;
    yield page.cursor ? { subscribers: page.subscribers, cursor: page.cursor } : { subscribers: page.subscribers };
    if (page.cursor && !readAhead) next = pageAfter(page.cursor);
  }
}
