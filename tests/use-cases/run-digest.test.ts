import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/adapters/config-file.js';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import type { NewsletterConfig } from '../../functions/core/config.js';
import { EditionConflictError } from '../../functions/core/errors.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import type { KeyPointExtractor } from '../../functions/ports/key-point-extractor.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { addToList } from '../../functions/use-cases/manage-list.js';
import { buildEdition, runDigest, type DigestDependencies } from '../../functions/use-cases/run-digest.js';
import { systemClock } from '../../functions/adapters/system-clock.js';
import { countingDynamoClient, startTestServers, type TestServers } from '../support/local-servers.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';

/** What a run reports: the empty list, and who paused an edition. Real dynalite and SES. */
let servers: TestServers;
let newsletter: NewsletterConfig;
let tables = 0;

beforeAll(async () => {
  servers = await startTestServers();
  newsletter = (await loadConfig('newsletter.config.json')).config.newsletters[0]!;
});

afterAll(async () => servers?.stop());

const ID_KEY = randomBytes(32);

const firstSentences: KeyPointExtractor = {
  name: 'first-sentences',
  extract: async (article, options) => ({ keyPoints: article.paragraphs.slice(0, options.max).map((p) => p.slice(0, 200)) }),
};

async function depsWith(readers: number, ledgerClient?: DynamoDBClient): Promise<DigestDependencies> {
  const tableName = `run-digest-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  const suppressions = new DynamoSuppressionStore(servers.dynamodb, tableName);
  const entries = Array.from({ length: readers }, (_, i) => ({ email: `reader${i}@example.com` }));
  await addToList({ subscribers, suppressions, subscriberId: (email) => subscriberId(ID_KEY, email), clock: systemClock }, newsletter.id, entries, {
    confirmed: true,
    source: 'test',
  });
  return {
    sources: [new FolderSource(path.resolve('articles'))],
    extractor: firstSentences,
    editions: new DynamoEditionStore(servers.dynamodb, tableName),
    subscribers,
    suppressions,
    ledger: new DynamoDeliveryLedger(ledgerClient ?? servers.dynamodb, tableName),
    mailer: new SesMailer(servers.ses),
    render: renderEdition,
    tokenKey: randomBytes(32),
    clock: systemClock,
    owner: `test-${tables}`,
  };
}

/** SES feedback as the sender reads it back from the edition's counters: every message bounced. */
function everyMessageBounces(deps: DigestDependencies, beforePause?: (editionId: string) => Promise<void>): DigestDependencies {
  const editions = deps.editions;
  let first = true;
  return {
    ...deps,
    editions: Object.assign(Object.create(editions) as typeof editions, {
      addCounts: async (newsletterId: string, editionId: string, counts: { sent?: number }) => {
        if (first && beforePause) await beforePause(editionId);
        first = false;
        return editions.addCounts(newsletterId, editionId, { ...counts, bounces: counts.sent ?? 0 });
      },
    }),
  };
}

const limits = { bounceRate: 0.05, complaintRate: 0.001, minimumSample: 5 };

describe('runDigest', () => {
  it('with no confirmed subscriber builds nothing and leaves the articles new', async () => {
    const deps = await depsWith(0);
    const before = servers.embedded.ses!.messages.length;
    expect(await runDigest(newsletter, deps)).toEqual({ status: 'no-subscribers', problems: [] });
    expect(await deps.editions.list(newsletter.id, 5)).toEqual([]);
    expect(servers.embedded.ses!.messages.slice(before)).toHaveLength(0);
  });

  it('says it paused the edition when it did', async () => {
    const deps = everyMessageBounces(await depsWith(10));
    const result = await runDigest(newsletter, deps, { limits, pageSize: 5 });
    expect(result).toMatchObject({ status: 'paused', pausedHere: true, edition: { status: 'paused' } });
    assert(result.status === 'paused');
    expect(result.report.stoppedReason).toMatch(/^bounce rate 100\.00% reached the limit/);
    expect((await deps.editions.get(newsletter.id, result.edition.editionId))?.status).toBe('paused');
  });

  it('does not claim the pause when another run paused the edition first', async () => {
    const base = await depsWith(10);
    const deps = everyMessageBounces(base, async (editionId) => {
      expect(await base.editions.pause(newsletter.id, editionId, 'bounce rate 9.00% (the other run)')).toBe(true);
    });
    const result = await runDigest(newsletter, deps, { limits, pageSize: 5 });
    assert(result.status === 'paused', `expected a paused run, got ${result.status}`);
    expect(result.pausedHere).toBeUndefined();
    expect(result.report.stoppedReason).toMatch(/^another run paused the edition first/);
    expect(await base.editions.get(newsletter.id, result.edition.editionId)).toMatchObject({
      status: 'paused',
      pausedReason: 'bounce rate 9.00% (the other run)',
    });
  });

  it('sends a first edition with one lock per delivery group and no claim or ledger read per reader, once to each reader', async () => {
    // The ledger on a client of its own that counts its requests: the store round trips a send costs.
    const { client, requests } = countingDynamoClient(servers);
    const deps = await depsWith(230, client);
    const before = servers.embedded.ses!.messages.length;
    try {
      const result = await runDigest(newsletter, deps, { pageSize: 100, concurrency: 8 });
      assert(result.status === 'sent', `expected a sent edition, got ${result.status}`);
      expect(result.report.sent).toBe(230);
      const groups = result.edition.deliveryGroups!;
      expect(groups).toBe(5);
      const count = (command: string) => requests.filter((r) => r === command).length;
      // One conditional put per group (taken once, even where a group runs over a page boundary), one release each.
      expect(count('PutItemCommand')).toBe(groups);
      expect(count('UpdateItemCommand')).toBe(groups);
      // A group locked first has no entries to read; sends are recorded in batches: each sender
      // waits for its own mark (what a crash can duplicate), so one write takes the marks that
      // arrived while the one before was on its way.
      expect(count('BatchGetItemCommand')).toBe(0);
      expect(count('GetItemCommand')).toBe(0);
      expect(count('BatchWriteItemCommand')).toBeLessThan(230);
      expect(requests.length).toBe(count('BatchWriteItemCommand') + 2 * groups);
      const copies = new Map<string, number>();
      for (const message of servers.embedded.ses!.messages.slice(before)) for (const to of message.destinations) copies.set(to, (copies.get(to) ?? 0) + 1);
      expect(copies.size).toBe(230);
      expect([...copies.values()].every((n) => n === 1)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

describe('runDigest with force', () => {
  it('refuses the second of two forced runs at once with one line, so nobody gets two forced editions, and forces again once it is done', async () => {
    const readers = 40;
    const deps = await depsWith(readers);
    expect((await runDigest(newsletter, deps)).status).toBe('sent');
    const before = servers.embedded.ses!.messages.length;

    const runs = await Promise.allSettled([
      runDigest(newsletter, { ...deps, owner: 'forced-a' }, { force: true }),
      runDigest(newsletter, { ...deps, owner: 'forced-b' }, { force: true }),
    ]);

    const sent = runs.filter((r) => r.status === 'fulfilled');
    const refused = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(sent.map((r) => r.value.status)).toEqual(['sent']);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(EditionConflictError);
    expect((refused[0]!.reason as Error).message).toMatch(/^(another run is building edition \S+|edition \S+ of \S+ is still being sent).*\S$/);
    expect((refused[0]!.reason as Error).message).not.toContain('\n');
    const recipients = servers.embedded.ses!.messages.slice(before).flatMap((m) => m.destinations);
    expect(recipients).toHaveLength(readers);
    expect(new Set(recipients).size).toBe(readers);
    expect(await deps.editions.list(newsletter.id, 10)).toHaveLength(2);

    // Done, a forced run makes a new edition again.
    const again = await runDigest(newsletter, deps, { force: true });
    expect(again.status).toBe('sent');
    expect(await deps.editions.list(newsletter.id, 10)).toHaveLength(3);
  }, 60_000);
});

describe('buildEdition', () => {
  it('without a store (a preview) builds every current article, also those an earlier edition carried, dated by its clock', async () => {
    const deps = await depsWith(1);
    const first = await runDigest(newsletter, deps);
    assert(first.status === 'sent', `expected a sent edition, got ${first.status}`);
    // The digest's dry run leaves out what went out before...
    expect(await runDigest(newsletter, deps, { dryRun: true })).toMatchObject({ status: 'nothing-new', alreadySent: first.edition.articles.length });

    // ...the same build with no store behind it shows them all, on the clock it is given.
    const clock = new VirtualClock(Date.parse('2026-12-03T01:30:00Z'));
    const { sources, extractor, render } = deps;
    const built = await buildEdition(newsletter, { sources, extractor, render, clock }, { dryRun: true });
    assert(built.status === 'built', `expected a built edition, got ${built.status}`);
    expect(built.model.articles.map((a) => a.title)).toEqual(first.edition.articles.map((a) => a.title));
    // 01:30 UTC is 09:30 in Taipei, the newsletter's time zone.
    expect(built.model.date).toBe('2026-12-03');
    expect(built.model.editionId).toMatch(new RegExp(`^${newsletter.id}-2026-12-03-`));
    expect(built.model.webUrl).toBeUndefined();
    expect(built.rendered.html).toContain(first.edition.articles[0]!.title);
  });

  it('does not mail a reader who unsubscribed while a slow, paced send was on its way to them', async () => {
    const clock = new VirtualClock();
    const base = { ...(await depsWith(60)), clock };
    const page = await base.subscribers.list(newsletter.id, { status: 'confirmed', limit: 100 });
    // The 46th reader of the first page: at one message a second, reached 45 seconds after the page was read.
    const leaving = page.subscribers[45]!;
    let sends = 0;
    const mailer = {
      getSendQuota: () => base.mailer.getSendQuota(),
      send: async (message: Parameters<typeof base.mailer.send>[0]) => {
        const answer = await base.mailer.send(message);
        // Five seconds into the send, the reader clicks the unsubscribe link.
        if (++sends === 5) await base.subscribers.update(newsletter.id, leaving.id, { status: 'unsubscribed', unsubscribedAt: clock.now().toISOString() });
        return answer;
      },
    };
    const before = servers.embedded.ses!.messages.length;
    const result = await runDigest(newsletter, { ...base, mailer }, { rate: 1, pageSize: 50, concurrency: 1 });
    assert(result.status === 'sent', `expected a sent edition, got ${result.status}`);
    expect(result.report).toMatchObject({ sent: 59, suppressed: 1 });
    const recipients = servers.embedded.ses!.messages.slice(before).flatMap((m) => m.destinations);
    expect(recipients).toHaveLength(59);
    expect(recipients).not.toContain(leaving.email);
  });
});
