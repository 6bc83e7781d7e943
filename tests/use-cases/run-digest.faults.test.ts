import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/adapters/config-file.js';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { documentClient } from '../../functions/adapters/dynamodb/document.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable, keys } from '../../functions/adapters/dynamodb/table.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import type { Clock } from '../../functions/core/clock.js';
import type { NewsletterConfig } from '../../functions/core/config.js';
import type { KeyPointExtractor } from '../../functions/ports/key-point-extractor.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { runDigest, type DigestOptions } from '../../functions/use-cases/run-digest.js';
import { systemClock } from '../../functions/adapters/system-clock.js';
import type { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';
import { FaultySesMailers } from '../support/faulty-ses-mailers.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { spawnCli } from '../support/cli-process.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

/**
 * Delivery through an SES-compatible server that enforces a send rate, injects
 * Throttling and 5xx faults and can hang mid-send, with state in real dynalite. Each test has its
 * own table and its own SES server, so their counts and ledgers never mix.
 */
let servers: TestServers;
let newsletter: NewsletterConfig;
const sesFixture = new FaultySesMailers();
let tables = 0;

beforeAll(async () => {
  servers = await startTestServers();
  newsletter = (await loadConfig('newsletter.config.json')).config.newsletters[0]!;
});

afterAll(async () => {
  await sesFixture.close();
  await servers?.stop();
});

const sesServer = (options: Parameters<FaultySesMailers['server']>[0]) => sesFixture.server(options);
const mailerFor = (server: FaultySesServer) => sesFixture.mailerFor(server);

const emailOf = (n: number) => `reader${n}@example.com`;

/** A fresh table with `count` confirmed subscribers, written 25 at a time. */
async function listWith(count: number, newsletterId = newsletter.id): Promise<string> {
  const tableName = `delivery-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const doc = documentClient(servers.dynamodb);
  const now = new Date().toISOString();
  const items = Array.from({ length: count }, (_, i) => {
    const email = emailOf(i);
    const id = subscriberId(ID_KEY, email);
    return { ...keys.subscriber(newsletterId, id), id, newsletterId, email, status: 'confirmed', createdAt: now, confirmedAt: now };
  });
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await Promise.all(chunks.map((chunk) => doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk.map((Item) => ({ PutRequest: { Item } })) } }))));
  return tableName;
}

/** Key points are not what these tests are about: the first sentences will do, and stay put whatever the extractor does. */
const firstSentences: KeyPointExtractor = {
  name: 'first-sentences',
  extract: async (article, options) => ({ keyPoints: article.paragraphs.slice(0, options.max).map((p) => p.slice(0, 200)) }),
};

/** The run's clock is the SES server's where the server keeps a rate (`now: clock.millis`), so both agree on "when". */
function digestDeps(tableName: string, ses: FaultySesServer, clock: Clock = systemClock) {
  return {
    sources: [new FolderSource(path.resolve('articles'))],
    extractor: firstSentences,
    editions: new DynamoEditionStore(servers.dynamodb, tableName),
    subscribers: new DynamoSubscriberStore(servers.dynamodb, tableName),
    suppressions: new DynamoSuppressionStore(servers.dynamodb, tableName),
    ledger: new DynamoDeliveryLedger(servers.dynamodb, tableName),
    mailer: mailerFor(ses),
    render: renderEdition,
    tokenKey: randomBytes(32),
    clock,
    owner: `test-run-${Math.random().toString(36).slice(2)}`,
  };
}

function sent(result: Awaited<ReturnType<typeof runDigest>>) {
  if (result.status !== 'sent' && result.status !== 'paused') throw new Error(`expected a send, got ${result.status}`);
  return result;
}

describe('delivery under SES faults', () => {
  it('gives every subscriber exactly one copy when 20% of calls fail with Throttling or 5xx', async () => {
    const readers = 150;
    const tableName = await listWith(readers);
    const clock = new VirtualClock();
    const ses = await sesServer({ rate: 200, now: clock.millis, faultProbability: 0.2, seed: 42 });
    const result = sent(await runDigest(newsletter, digestDeps(tableName, ses, clock), { rate: 150 }));

    expect(result.report).toMatchObject({ sent: readers, failed: 0, alreadySent: 0 });
    expect(result.report.throttledRetries).toBeGreaterThan(0);
    expect(ses.counts.faults).toBeGreaterThan(readers * 0.1);
    const copies = ses.copiesByRecipient();
    expect(copies.size).toBe(readers);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ses.accepted.map((m) => m.messageIdHeader)).size).toBe(readers);
  }, 30_000);

  // Rates are proven on a virtual clock shared by the sender and the server: the figures do not
  // depend on how busy the machine is. Real throughput is measured by `npm run bench`.
  it.each([
    { rate: 100, readers: 300 },
    { rate: 400, readers: 600 },
  ])(
    "keeps to the account's send rate of $rate/s from GetSendQuota: at least 0.95 R achieved, at most 1% of calls throttled",
    async ({ rate, readers }) => {
      const clock = new VirtualClock();
      const tableName = await listWith(readers);
      const ses = await sesServer({ rate, burst: rate, now: clock.millis });
      // No --rate: the sender reads MaxSendRate from GetSendQuota, as on a real account.
      const result = sent(await runDigest(newsletter, digestDeps(tableName, ses, clock)));

      expect(result.report).toMatchObject({ sent: readers, failed: 0 });
      expect(ses.counts.quotaCalls).toBe(1);
      expect(ses.achievedRate()).toBeGreaterThanOrEqual(0.95 * rate);
      expect(ses.achievedRate()).toBeLessThanOrEqual(1.01 * rate);
      expect(ses.counts.throttled).toBeLessThanOrEqual(0.01 * ses.counts.calls);
    },
    60_000,
  );

  it('never holds more readers sent but unrecorded than its concurrency, at full speed', async () => {
    // What a kill -9 at any instant would send twice: readers SES has accepted whose sent mark is
    // not yet in the ledger. Counted at every acceptance, as the sender sees it.
    const readers = 1000;
    const concurrency = 8;
    const tableName = await listWith(readers);
    const ses = await sesServer({});
    const deps = digestDeps(tableName, ses);
    let accepted = 0;
    let marked = 0;
    let most = 0;
    const { mailer, ledger } = deps;
    const countingMailer: typeof mailer = Object.assign(Object.create(mailer) as typeof mailer, {
      send: async (message: Parameters<typeof mailer.send>[0]) => {
        const answer = await mailer.send(message);
        most = Math.max(most, ++accepted - marked);
        return answer;
      },
    });
    const countingLedger: typeof ledger = Object.assign(Object.create(ledger) as typeof ledger, {
      markSentMany: async (...args: Parameters<typeof ledger.markSentMany>) => {
        await ledger.markSentMany(...args);
        marked += args[1].length;
      },
    });

    const result = sent(await runDigest(newsletter, { ...deps, mailer: countingMailer, ledger: countingLedger }, { concurrency }));

    expect(result.report).toMatchObject({ sent: readers, failed: 0 });
    expect(marked).toBe(readers);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(concurrency);
  }, 60_000);

  it('stops cleanly at the 24-hour quota and sends the rest, once each, when the quota allows', async () => {
    const readers = 60;
    const quota = 25;
    const tableName = await listWith(readers);
    const clock = new VirtualClock();
    const ses = await sesServer({ rate: 200, now: clock.millis, quota: { max24HourSend: quota } });
    const deps = digestDeps(tableName, ses, clock);
    const options: DigestOptions = { rate: 150 };

    const first = sent(await runDigest(newsletter, deps, options));
    expect(first.status).toBe('paused');
    expect(first.report.stoppedReason).toMatch(/quota/);
    expect(first.paused).toEqual({ reason: 'quota', detail: expect.stringContaining('24-hour') });
    expect(first.report.sent).toBe(quota);
    expect(ses.counts.accepted).toBe(quota);
    expect((await deps.editions.get(newsletter.id, first.edition.editionId))?.status).toBe('sending');

    ses.setQuota({ max24HourSend: 10_000 });
    const second = sent(await runDigest(newsletter, deps, options));
    expect(second).toMatchObject({ status: 'sent', resumed: true });
    expect(second.edition.editionId).toBe(first.edition.editionId);
    expect(second.report).toMatchObject({ sent: readers - quota, alreadySent: quota, failed: 0 });
    const copies = ses.copiesByRecipient();
    expect(copies.size).toBe(readers);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect((await deps.editions.get(newsletter.id, first.edition.editionId))?.status).toBe('sent');
  }, 30_000);
});

describe('newsletter digest killed mid-send', () => {
  const readers = 120;
  /**
   * At --rate 30 the senders follow the rate (the floor of 2 at loopback latency), and each holds at
   * most one reader SES has and the ledger does not: 10 bounds what a crash may duplicate with room to spare.
   */
  const concurrency = 10;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'newsletter-crash-'));
    await cp(path.resolve('articles'), path.join(work, 'articles'), { recursive: true });
    const json = JSON.parse(await readFile('newsletter.config.json', 'utf8'));
    json.newsletters[0].sources = [{ type: 'folder', path: 'articles' }];
    await writeFile(path.join(work, 'newsletter.config.json'), JSON.stringify(json));
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  function digest(ses: FaultySesServer, tableName: string, args: string[] = ['--rate', '30']) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: servers.embedded.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      AWS_REGION: 'us-east-1',
      NEWSLETTER_TABLE: tableName,
    };
    return spawnCli(['digest', '--data-dir', path.join(work, '.newsletter'), '--out', path.join(work, 'out'), ...args], { cwd: work, env });
  }

  // Two CLI processes and 120 readers at --rate 30: 11 to 23 s on a busy 2-core machine.
  it('leaves nobody without the edition and duplicates at most the sends in flight', async () => {
    const tableName = await listWith(readers);
    // The server hangs after 50 accepted messages, and the kill follows the 50th accept at once. It
    // keeps no rate: the child paces itself (--rate 30) on its own clock, which no test can share.
    const ses = await sesServer({ stopAnsweringAfter: 50 });

    const first = digest(ses, tableName);
    await Promise.race([ses.whenAccepted(50), first.exited.then(() => Promise.reject(new Error(`digest ended before the kill:\n${first.output()}`)))]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(ses.counts.accepted).toBe(50);

    ses.resumeAnswering();
    const second = digest(ses, tableName);
    const { code } = await second.exited;
    expect(second.output()).toMatch(/Resumed unfinished edition/);
    expect(code).toBe(0);
    const [, sentNow, already] = /Sent (\d+) messages? \((\d+) already sent, 0 suppressed, 0 failed/.exec(second.output()) ?? [];
    expect(Number(sentNow) + Number(already)).toBe(readers);

    const copies = ses.copiesByRecipient();
    const counts = Array.from({ length: readers }, (_, i) => copies.get(emailOf(i)) ?? 0);
    expect(counts.filter((n) => n === 0)).toHaveLength(0);
    expect(counts.filter((n) => n === 2).length).toBeLessThanOrEqual(concurrency);
    expect(counts.filter((n) => n >= 3)).toHaveLength(0);
  }, 120_000);

  it('duplicates at most the configured concurrency when killed at full speed', async () => {
    const many = 1500;
    const senders = 8;
    const tableName = await listWith(many);
    // No rate anywhere: the child sends as fast as the SES server (1,000/s quota) and the table let it.
    const ses = await sesServer({});
    const config = JSON.parse(await readFile(path.join(work, 'newsletter.config.json'), 'utf8'));
    await writeFile(path.join(work, 'full-speed.json'), JSON.stringify({ ...config, delivery: { ...config.delivery, concurrency: senders } }));
    const args = ['--config', path.join(work, 'full-speed.json')];

    const first = digest(ses, tableName, args);
    await Promise.race([ses.whenAccepted(400), first.exited.then(() => Promise.reject(new Error(`digest ended before the kill:\n${first.output()}`)))]);
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(ses.counts.accepted).toBeLessThan(many);

    const second = digest(ses, tableName, args);
    const { code } = await second.exited;
    expect(second.output()).toMatch(/Resumed unfinished edition/);
    expect(code).toBe(0);

    const copies = ses.copiesByRecipient();
    const counts = Array.from({ length: many }, (_, i) => copies.get(emailOf(i)) ?? 0);
    expect(counts.filter((n) => n === 0)).toHaveLength(0);
    expect(counts.filter((n) => n >= 3)).toHaveLength(0);
    // Each sender holds at most one reader SES has and the ledger does not.
    expect(counts.filter((n) => n === 2).length).toBeLessThanOrEqual(senders);
  }, 120_000);
});

describe('runDigest with refusals, bounces and a second run', () => {
  it('ends a permanently refused delivery as failed with a reason, keeps the address out of it, and sends the rest', async () => {
    const tableName = await listWith(12);
    const ses = await sesServer({ rejectRecipients: [emailOf(3)] });
    const deps = digestDeps(tableName, ses);
    const result = sent(await runDigest(newsletter, deps, { rate: 500 }));
    expect(result.report).toMatchObject({ sent: 11, failed: 1 });
    expect(result.report.failures).toEqual([{ subscriberId: subscriberId(ID_KEY, emailOf(3)), reason: expect.stringContaining('MessageRejected') }]);
    expect(JSON.stringify(result.report)).not.toContain(emailOf(3));
    const stored = await deps.editions.get(newsletter.id, result.edition.editionId);
    expect(stored?.report?.failures[0]?.reason).toContain('[address]');
    expect(stored?.status).toBe('sent');
  });

  it('pauses the edition when SES is not ready (unverified sender), sends nothing more, and finishes it once resumed', async () => {
    const readers = 30;
    const concurrency = 4;
    const tableName = await listWith(readers);
    const ses = await sesServer({
      refuseAll: {
        status: 400,
        code: 'MessageRejected',
        message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.com',
      },
    });
    const deps = digestDeps(tableName, ses);

    const first = await runDigest(newsletter, deps, { rate: 500, concurrency, pageSize: 10 });
    expect(first.status).toBe('paused');
    const paused = sent(first);
    expect(paused.paused).toEqual({ reason: 'ses-not-ready', detail: expect.stringContaining('Email address is not verified') });
    expect(paused.paused?.detail).not.toContain('news@example.com');
    // Only the sends already in flight when the first refusal came back reached SES; no reader counts as failed.
    expect(ses.counts.refused).toBeLessThanOrEqual(concurrency);
    expect(ses.counts.accepted).toBe(0);
    expect(paused.report).toMatchObject({ sent: 0, failed: 0 });
    const stored = await deps.editions.get(newsletter.id, paused.edition.editionId);
    expect(stored).toMatchObject({ status: 'paused', pausedReason: expect.stringContaining('editions resume') });
    expect(stored?.finishedAt).toBeUndefined();

    // The next scheduled run neither closes it nor builds its articles into another edition.
    expect((await runDigest(newsletter, deps, { rate: 500 })).status).toBe('nothing-new');
    expect(ses.counts.refused).toBeLessThanOrEqual(concurrency);

    // The sender is verified; a person resumes the edition (what `editions resume` writes) and the next run sends it all.
    ses.setRefusal(undefined);
    await deps.editions.update(newsletter.id, stored!.editionId, {
      status: 'sending',
      pausedReason: undefined,
      ...(stored!.counts ? { baseline: stored!.counts } : {}),
    });
    const resumed = sent(await runDigest(newsletter, deps, { rate: 500, concurrency }));
    expect(resumed).toMatchObject({ status: 'sent', resumed: true });
    expect(resumed.paused).toBeUndefined();
    expect(resumed.edition.editionId).toBe(stored!.editionId);
    expect(resumed.report).toMatchObject({ sent: readers, failed: 0 });
    const copies = ses.copiesByRecipient();
    expect(copies.size).toBe(readers);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect((await deps.editions.get(newsletter.id, stored!.editionId))?.status).toBe('sent');
  });

  it('pauses an edition whose bounce rate passes the limit, says why, and goes on only when resumed', async () => {
    const tableName = await listWith(40);
    const ses = await sesServer({});
    const deps = digestDeps(tableName, ses);
    const limits = { bounceRate: 0.05, complaintRate: 0.001, minimumSample: 10 };
    // Bounces arrive while the first page is out: count them on the edition as the feedback handler does.
    const editions = deps.editions;
    const countingEditions = Object.assign(Object.create(Object.getPrototypeOf(editions)) as typeof editions, editions, {
      addCounts: async (newsletterId: string, editionId: string, counts: Parameters<typeof editions.addCounts>[2]) => {
        await editions.addCounts(newsletterId, editionId, { bounces: Math.ceil((counts.sent ?? 0) / 5) });
        return editions.addCounts(newsletterId, editionId, counts);
      },
    });
    const result = await runDigest(newsletter, { ...deps, editions: countingEditions }, { rate: 500, pageSize: 10, limits });
    assert(result.status === 'paused', `expected a paused run, got ${result.status}`);
    expect(result.report.sent).toBe(10);
    expect(result.report.stoppedReason).toMatch(/bounce rate 20\.00% reached the limit of 5\.00%/);
    expect(result.paused).toEqual({ reason: 'reputation', detail: expect.stringMatching(/bounce rate/) });
    expect((await editions.get(newsletter.id, result.edition.editionId))?.status).toBe('paused');

    // A paused edition is not resumed by the next run on its own...
    const again = await runDigest(newsletter, deps, { rate: 500, limits });
    expect(again.status).toBe('nothing-new');
    expect(ses.accepted).toHaveLength(10);
    // ...but once a person resumes it, the rest go out, judged afresh.
    const paused = (await editions.get(newsletter.id, result.edition.editionId))!;
    await editions.update(newsletter.id, paused.editionId, { status: 'sending', pausedReason: undefined, baseline: paused.counts! });
    const resumed = sent(await runDigest(newsletter, deps, { rate: 500, limits }));
    expect(resumed.resumed).toBe(true);
    expect(resumed.report).toMatchObject({ sent: 30, alreadySent: 10 });
    expect(new Set(ses.accepted.map((m) => m.recipient)).size).toBe(40);
  });

  it('never sends a second copy when two runs send the same edition at the same time', async () => {
    const readers = 60;
    const tableName = await listWith(readers);
    // Two runs at 60/s each against an account allowing 60/s, all on one virtual clock.
    const clock = new VirtualClock();
    const ses = await sesServer({ rate: 60, now: clock.millis });
    const first = runDigest(newsletter, digestDeps(tableName, ses, clock), { rate: 60, concurrency: 5 });
    // Start the second run once the first has begun delivering (server-side accept count, no sleep).
    await ses.whenAccepted(5);
    const second = await runDigest(newsletter, digestDeps(tableName, ses, clock), { rate: 60, concurrency: 5 });
    const firstResult = await first;
    const copies = ses.copiesByRecipient();
    expect(copies.size).toBe(readers);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    assert(second.status === 'sent' || second.status === 'paused', `expected a send, got ${second.status}`);
    expect(second.resumed).toBe(true);
    expect(sent(firstResult).report.sent + ('report' in second ? second.report.sent : 0)).toBe(readers);
  });
});
