import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import type { EditionRecord } from '../../functions/ports/edition-store.js';
import { resendLocalFailures, resumeLocalEdition } from '../../functions/use-cases/resume-local-edition.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

const at = '2026-11-30T08:00:00.000Z';
const counts = { sent: 40, alreadySent: 0, suppressed: 0, failed: 2, throttledRetries: 0, bounces: 3, complaints: 0 };

let servers: TestServers;
let tables = 0;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

/** One edition of `weekly` on real dynalite, in the state the test names. */
async function editionIn(state: Partial<EditionRecord>): Promise<DynamoEditionStore> {
  const tableName = `resume-local-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const editions = new DynamoEditionStore(servers.dynamodb, tableName);
  await editions.create(
    { newsletterId: 'weekly', editionId: 'ed-1', status: 'sending', createdAt: at, subject: 'S', date: '2026-11-30', articles: [], ...state },
    { subject: 'S', html: '<p>S</p>', text: 'S' },
  );
  return editions;
}

describe('resumeLocalEdition', () => {
  it('puts a paused edition back to sending with its counters so far as the baseline, so the old bounces do not pause it again', async () => {
    const editions = await editionIn({ status: 'paused', pausedReason: 'bounce rate 7.00% over 5.00%', counts });
    expect(await resumeLocalEdition({ editions }, 'weekly', 'ed-1')).toEqual({ status: 'resumes' });
    const after = await editions.get('weekly', 'ed-1');
    expect(after).toMatchObject({ status: 'sending', baseline: counts });
    expect(after?.pausedReason).toBeUndefined();
  });

  it('leaves an edition still sending as it is: the next run goes on with it', async () => {
    const editions = await editionIn({ status: 'sending' });
    expect(await resumeLocalEdition({ editions }, 'weekly', 'ed-1')).toEqual({ status: 'goes-on' });
    expect((await editions.get('weekly', 'ed-1'))?.status).toBe('sending');
  });

  it('refuses a sent edition and points at resend', async () => {
    const editions = await editionIn({ status: 'sent' });
    const result = await resumeLocalEdition({ editions }, 'weekly', 'ed-1');
    expect(result).toMatchObject({ status: 'refused', reason: expect.stringContaining('editions resend ed-1') });
    expect((await editions.get('weekly', 'ed-1'))?.status).toBe('sent');
  });

  it('says an edition of another newsletter is missing', async () => {
    const editions = await editionIn({ status: 'paused' });
    expect(await resumeLocalEdition({ editions }, 'daily', 'ed-1')).toEqual({ status: 'missing' });
  });
});

describe('resendLocalFailures', () => {
  it('reopens a sent edition with failed deliveries, so the next digest sends them again', async () => {
    const editions = await editionIn({ status: 'sent', finishedAt: at, counts });
    expect(await resendLocalFailures({ editions }, 'weekly', 'ed-1')).toEqual({ status: 'resends', failed: 2 });
    const after = await editions.get('weekly', 'ed-1');
    expect(after?.status).toBe('sending');
    expect(after?.finishedAt).toBeUndefined();
  });

  it('changes nothing when no delivery failed', async () => {
    const editions = await editionIn({ status: 'sent', finishedAt: at, counts: { ...counts, failed: 0 } });
    expect(await resendLocalFailures({ editions }, 'weekly', 'ed-1')).toEqual({ status: 'nothing-to-send' });
    expect((await editions.get('weekly', 'ed-1'))?.status).toBe('sent');
  });

  it('refuses an edition not finished yet and points at resume', async () => {
    const editions = await editionIn({ status: 'paused', counts });
    expect(await resendLocalFailures({ editions }, 'weekly', 'ed-1')).toMatchObject({
      status: 'refused',
      reason: expect.stringContaining('editions resume ed-1'),
    });
    expect((await editions.get('weekly', 'ed-1'))?.status).toBe('paused');
  });
});
