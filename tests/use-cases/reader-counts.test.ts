import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { countSignature } from '../../functions/core/reader-counts.js';
import { countClick, countOpen } from '../../functions/use-cases/reader-counts.js';
import { useTestServers } from '../support/local-servers.js';
import { testNewsletter } from '../support/newsletters.js';

/** Opens and clicks counted per edition, in editions stored in real dynalite. */
const servers = useTestServers();
const ARTICLE = 'https://example.org/articles/port-strike';

/** A counting newsletter and one that does not count, each with one stored edition, in a table of their own. */
async function setUp() {
  const tableName = `counts-${randomUUID()}`;
  await ensureTable(servers().dynamodb, tableName);
  const editions = new DynamoEditionStore(servers().dynamodb, tableName);
  const newsletters = [testNewsletter({ id: 'counted', countOpensAndClicks: true }), testNewsletter({ id: 'private' })];
  for (const n of newsletters)
    await editions.create(
      {
        newsletterId: n.id,
        editionId: `${n.id}-2026-12-01-00000001`,
        status: 'sent',
        createdAt: '2026-12-01T08:00:00Z',
        subject: 'Weekly',
        date: '2026-12-01',
        articles: [],
      },
      { subject: 'Weekly', html: '<p>x</p>', text: 'x' },
    );
  const tokenKeys = { id: randomBytes(32) };
  const deps = { newsletters, editions, tokenKeys };
  const open = (newsletterId: string, editionId = `${newsletterId}-2026-12-01-00000001`) => ({
    newsletterId,
    editionId,
    signature: countSignature(tokenKeys.id, 'open', newsletterId, editionId),
  });
  const click = (newsletterId: string, target = ARTICLE, editionId = `${newsletterId}-2026-12-01-00000001`) => ({
    newsletterId,
    editionId,
    target,
    signature: countSignature(tokenKeys.id, 'click', newsletterId, editionId, target),
  });
  const counts = async (newsletterId: string) => (await editions.get(newsletterId, `${newsletterId}-2026-12-01-00000001`))?.counts;
  return { deps, open, click, counts, tableName };
}

describe('countOpen', () => {
  it("counts each load of a signed pixel on the newsletter's edition", async () => {
    const { deps, open, counts } = await setUp();
    expect(await countOpen(deps, open('counted'))).toBe(true);
    expect(await countOpen(deps, open('counted'))).toBe(true);
    expect(await counts('counted')).toMatchObject({ opens: 2 });
  });

  it('counts nothing for a forged pixel, an unknown edition or a newsletter that does not count', async () => {
    const { deps, open, counts } = await setUp();
    expect(await countOpen(deps, { ...open('counted'), signature: open('private').signature })).toBe(false);
    expect(await countOpen(deps, open('counted', 'counted-2026-12-08-00000002'))).toBe(false);
    expect(await countOpen(deps, open('private'))).toBe(false);
    expect((await counts('counted'))?.opens ?? 0).toBe(0);
    expect((await counts('private'))?.opens ?? 0).toBe(0);
  });
});

describe('countClick', () => {
  it('sends the reader on to a link the edition carried, counted where the newsletter counts', async () => {
    const { deps, click, counts } = await setUp();
    expect(await countClick(deps, click('counted'))).toEqual({ ok: true, target: ARTICLE, counted: true });
    expect(await countClick(deps, click('private'))).toEqual({ ok: true, target: ARTICLE, counted: false });
    expect(await counts('counted')).toMatchObject({ clicks: 1 });
    expect((await counts('private'))?.clicks ?? 0).toBe(0);
  });

  it('never sends the reader to a target the signature does not cover, or to anything but a web page', async () => {
    const { deps, click, counts } = await setUp();
    expect(await countClick(deps, { ...click('counted'), target: 'https://evil.example/phish' })).toEqual({ ok: false });
    expect(await countClick(deps, click('counted', 'javascript:alert(1)'))).toEqual({ ok: false });
    expect(await countClick(deps, click('counted', 'not a url'))).toEqual({ ok: false });
    expect((await counts('counted'))?.clicks ?? 0).toBe(0);
  });

  it('still sends the reader on when the count cannot be written, and reports the failure', async () => {
    const { deps, click } = await setUp();
    // A table that does not exist: dynalite refuses the read, as DynamoDB does.
    const broken = { ...deps, editions: new DynamoEditionStore(servers().dynamodb, 'no-such-table') };
    const failures: unknown[] = [];
    expect(await countClick(broken, click('counted'), (error) => failures.push(error))).toEqual({ ok: true, target: ARTICLE, counted: false });
    expect(failures).toHaveLength(1);
  });
});
