import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../adapters/dynamodb/document.js';
import { keys } from '../../adapters/dynamodb/table.js';
import { subscriberId, type Subscriber } from '../../core/subscriber.js';
import { StackTwin, type StackTwinOptions } from './stack-twin.js';

/** What `npm run simulate` prints: one edition through the twin, as the readers and the bill see it. */
export interface SimulationReport {
  readers: number;
  /** Distinct readers SES accepted a message for. */
  delivered: number;
  /** Accepted messages beyond the first per reader. */
  duplicates: number;
  /** Confirmed readers SES accepted no message for. */
  missing: number;
  /** Messages in the DLQ at the end. */
  deadLettered: number;
  longestChain: number;
  /** Simulated hours from the digest run to the last accepted message. */
  hours: number;
  invocations: number;
  gbSeconds: number;
  inFlightAtKills: number;
}

export const SIMULATED_NEWSLETTER = 'simulated-weekly';

/** The newsletter of a simulated run: one folder of articles, sent from example.com. */
export function simulatedConfig(articlesDir: string): { newsletters: unknown[] } {
  return {
    newsletters: [
      {
        id: SIMULATED_NEWSLETTER,
        title: 'Simulated Weekly',
        language: 'en',
        from: { name: 'Simulated Weekly', email: 'news@example.com' },
        postalAddress: '1 Example Road, London',
        schedule: { cron: '0 8 * * 1', timeZone: 'Europe/London' },
        sources: [{ type: 'folder', path: articlesDir }],
        baseUrl: 'https://news.example.com',
      },
    ],
  };
}

/** Writes one article into `dir`: the edition a simulated digest builds. */
export async function writeSimulatedArticle(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'factories.md'),
    '# Chip makers race to build new factories\n\n' +
      'Chip makers announced $50 billion in new factories across three continents this year. ' +
      'Intel said its Ohio plant will open in 2027, two years late. ' +
      'Analysts warn that a shortage of trained engineers may slow the plans more than money.\n',
  );
}

/** The address of simulated reader `i`. */
const readerAddress = (i: number): string => `reader${i}@example.com`;

/**
 * Puts `count` confirmed readers straight into the table (25 to a BatchWriteItem, 8 writers at a
 * time): a list of 100,000 is there in seconds, where signing each one up would take hours.
 */
export async function seedConfirmedReaders(twin: StackTwin, newsletterId: string, count: number, from = 0): Promise<string[]> {
  const doc = documentClient(twin.dynamodb);
  const createdAt = new Date(twin.time.now() - 7 * 24 * 3600 * 1000).toISOString();
  const addresses = Array.from({ length: count }, (_, i) => readerAddress(from + i));
  let next = 0;
  const writer = async () => {
    while (next < addresses.length) {
      const chunk = addresses.slice(next, next + 25);
      next += chunk.length;
      let items: Record<string, unknown>[] = chunk.map((email) => {
        const reader: Subscriber = { id: subscriberId(twin.tokenKey, email), newsletterId, email, status: 'confirmed', createdAt, confirmedAt: createdAt };
        return { PutRequest: { Item: { ...keys.subscriber(newsletterId, reader.id), ...reader } } };
      });
      while (items.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [twin.tableName]: items as never } }));
        items = (result.UnprocessedItems?.[twin.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  return addresses;
}

/** How an edition reached the readers, from what SES accepted. */
export function reportOf(twin: StackTwin, addresses: readonly string[], digestAt: number): SimulationReport {
  const ses = twin.ses;
  if (!ses) throw new Error("the report counts what the twin's own SES accepted: this twin sends through the dev server's SES");
  const copies = ses.copiesByRecipient();
  const listed = new Set(addresses);
  let delivered = 0;
  let accepted = 0;
  for (const [recipient, count] of copies) {
    if (!listed.has(recipient)) continue;
    delivered++;
    accepted += count;
  }
  const lastAt = ses.accepted.at(-1)?.at;
  const stats = twin.stats;
  return {
    readers: addresses.length,
    delivered,
    duplicates: accepted - delivered,
    missing: addresses.length - delivered,
    deadLettered: twin.deadLettered(),
    longestChain: stats.longestChain,
    hours: lastAt === undefined ? 0 : round((lastAt - digestAt) / 3_600_000, 3),
    invocations: stats.invocations,
    gbSeconds: round(stats.gbSeconds, 1),
    inFlightAtKills: stats.inFlightAtKills,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface SimulationOptions {
  readers: number;
  dailyQuota?: number;
  rate: number;
  senders?: number;
  sesFaults?: number;
  senderTimeouts?: number;
  seed?: number;
  /** Sender settings other than the stack's (tests). */
  settings?: StackTwinOptions['settings'];
}

/**
 * One edition to `readers` confirmed readers through the twin on a virtual clock: the digest, then
 * the senders until the send queue is quiet. The operator's capacity planner (`npm run simulate`).
 */
export async function simulateEdition(options: SimulationOptions): Promise<SimulationReport> {
  const work = await mkdtemp(path.join(tmpdir(), 'newsletter-simulate-'));
  let twin: StackTwin | undefined;
  try {
    const articles = path.join(work, 'articles');
    await writeSimulatedArticle(articles);
    twin = await StackTwin.start({
      config: simulatedConfig(articles),
      time: 'virtual',
      ses: {
        rate: options.rate,
        ...(options.dailyQuota !== undefined ? { dailyQuota: options.dailyQuota } : {}),
        ...(options.sesFaults ? { faultProbability: options.sesFaults } : {}),
      },
      settings: { ...(options.senders ? { maxConcurrency: options.senders } : {}), ...options.settings },
      ...(options.senderTimeouts ? { senderTimeouts: options.senderTimeouts } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
    const addresses = await seedConfirmedReaders(twin, SIMULATED_NEWSLETTER, options.readers);
    const digestAt = twin.time.now();
    const digest = await twin.runDigest(SIMULATED_NEWSLETTER);
    if (digest.status !== 'queued')
      throw new Error(`the simulated digest did not queue the edition (status ${digest.status}): check the simulated newsletter's article`);
    await twin.drain();
    return reportOf(twin, addresses, digestAt);
  } finally {
    await twin?.close();
    await rm(work, { recursive: true, force: true });
  }
}
