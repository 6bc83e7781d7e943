import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import type { EditionStatus } from '../../functions/core/edition-lifecycle.js';
import { watchSendingEditions } from '../../functions/use-cases/watch-sending.js';
import { useTestServers } from '../support/local-servers.js';

/** The hourly watch of editions still sending, over editions stored in real dynalite. */
const servers = useTestServers();
const HOUR = 3_600_000;
const clock = new VirtualClock(Date.parse('2026-12-03T12:00:00Z'));

/** An edition store in a table of its own, holding editions made `hoursAgo` before the clock's now. */
async function storeWith(editions: { newsletterId: string; status: EditionStatus; hoursAgo: number }[]): Promise<DynamoEditionStore> {
  const tableName = `watch-${randomUUID()}`;
  await ensureTable(servers().dynamodb, tableName);
  const store = new DynamoEditionStore(servers().dynamodb, tableName);
  for (const [i, e] of editions.entries()) {
    const editionId = `${e.newsletterId}-2026-12-0${i + 1}-0000000${i}`;
    await store.create(
      {
        newsletterId: e.newsletterId,
        editionId,
        status: e.status,
        createdAt: new Date(clock.now().getTime() - e.hoursAgo * HOUR).toISOString(),
        subject: 'Weekly',
        date: '2026-12-01',
        articles: [],
      },
      { subject: 'Weekly', html: '<p>x</p>', text: 'x' },
    );
  }
  return store;
}

describe('watchSendingEditions', () => {
  it('names the editions still sending of every newsletter, oldest first, with their age to a tenth of an hour', async () => {
    const editions = await storeWith([
      { newsletterId: 'daily', status: 'sending', hoursAgo: 2.26 },
      { newsletterId: 'daily', status: 'sent', hoursAgo: 30 },
      { newsletterId: 'weekly', status: 'sending', hoursAgo: 40 },
      { newsletterId: 'weekly', status: 'paused', hoursAgo: 50 },
      { newsletterId: 'weekly', status: 'draft', hoursAgo: 60 },
    ]);

    const watch = await watchSendingEditions([{ id: 'daily' }, { id: 'weekly' }], { editions, clock });

    expect(watch.oldestHours).toBe(40);
    expect(watch.sending.map((e) => [e.newsletterId, e.hours])).toEqual([
      ['weekly', 40],
      ['daily', 2.3],
    ]);
    expect(watch.sending[0]!.editionId).toMatch(/^weekly-/);
  });

  it('answers 0 hours and no edition when nothing is sending', async () => {
    const editions = await storeWith([{ newsletterId: 'daily', status: 'sent', hoursAgo: 200 }]);
    expect(await watchSendingEditions([{ id: 'daily' }, { id: 'weekly' }], { editions, clock })).toEqual({ oldestHours: 0, sending: [] });
  });

  it('counts an edition stamped a little after the clock (a sender on another machine) as 0 hours, never less', async () => {
    const editions = await storeWith([{ newsletterId: 'daily', status: 'sending', hoursAgo: -0.5 }]);
    expect((await watchSendingEditions([{ id: 'daily' }], { editions, clock })).sending.map((e) => e.hours)).toEqual([0]);
  });
});
