import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../functions/adapters/config-file.js';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { documentClient } from '../../functions/adapters/dynamodb/document.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable, keys } from '../../functions/adapters/dynamodb/table.js';
import { startEmbeddedServers } from '../../functions/adapters/local/embedded-servers.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import type { NewsletterConfig } from '../../functions/core/config.js';
import { deliveryGroupsFor } from '../../functions/core/delivery/groups.js';
import type { DeliveryReport } from '../../functions/core/delivery/report.js';
import type { EditionModel, RenderedEdition } from '../../functions/core/edition.js';
import { subscriberId, type Subscriber } from '../../functions/core/subscriber.js';
import { readerLinks } from '../../functions/core/tokens.js';
import { buildMessage, MessageTemplate, type MessageHeaders, type Recipient } from '../../functions/mail/message-template.js';
import type { DeliveryEntry, DeliveryLedger, GroupClaim } from '../../functions/ports/delivery-ledger.js';
import type { EditionCounts, EditionRecord, EditionStore } from '../../functions/ports/edition-store.js';
import type { SubscriberPage, SubscriberStore, SuppressionStore } from '../../functions/ports/subscriber-store.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { runDigest, type DigestDependencies } from '../../functions/use-cases/run-digest.js';
import { systemClock } from '../../functions/adapters/system-clock.js';
import { sampleEdition } from '../../tests/fixtures/sample-editions.js';
import { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';

/**
 * Delivery benchmarks for `npm run bench`: how fast one reader's message is made (template
 * personalisation against building MIME from scratch and against compiling MJML per reader), an
 * end-to-end send through dynalite and a local SES-compatible server, and whether memory stays
 * flat as the list grows tenfold.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const BASE_URL = 'http://localhost:3000';

export interface ThroughputFigure {
  messages: number;
  seconds: number;
  perSecond: number;
  /** Messages per second of CPU time (user + system): what one core does. */
  perCoreSecond: number;
}

export interface PersonaliseBench {
  personalise: ThroughputFigure;
  fromScratch: ThroughputFigure;
  perReaderCompile: ThroughputFigure;
  /** personalise ÷ per-reader compile (acceptance: ≥ 10). */
  vsPerReaderCompile: number;
  /** personalise ÷ from-scratch MIME build (acceptance: ≥ 3). */
  vsFromScratch: number;
  messageBytes: number;
}

function headersFor(model: EditionModel): MessageHeaders {
  return {
    from: { name: model.fromName, email: 'digest@example.com' },
    replyTo: 'editor@example.com',
    listId: `${model.newsletterId}.example.com`,
    date: new Date('2025-07-14T00:00:00Z'),
  };
}

/** Readers with real signed links, made before timing: all three ways need the same links. */
function recipients(count: number, key: Buffer, model: EditionModel): Recipient[] {
  return Array.from({ length: count }, (_, i) => {
    const email = `reader${i}@example.com`;
    const id = subscriberId(key, email);
    return { to: email, ...readerLinks(key, BASE_URL, model.newsletterId, id), messageKey: `${model.editionId}.${id}` };
  });
}

/** Runs `one` repeatedly for about `seconds` (after a short warm-up) and reports the rate. */
async function timeFor(seconds: number, warmUp: number, one: (i: number) => unknown): Promise<ThroughputFigure> {
  for (let i = 0; i < warmUp; i++) await one(i);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let messages = 0;
  // Check the clock every few messages only: the fast path is sub-microsecond-sensitive.
  while (performance.now() < deadline) {
    for (let j = 0; j < 8; j++) await one(messages++);
  }
  const elapsed = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return { messages, seconds: elapsed, perSecond: messages / elapsed, perCoreSecond: cpuSeconds > 0 ? messages / cpuSeconds : 0 };
}

/** Personalise vs from-scratch MIME vs MJML compiled per reader, on the sample edition. */
export async function benchPersonalisation(options: { seconds?: number } = {}): Promise<PersonaliseBench> {
  const seconds = options.seconds ?? 2;
  const model: EditionModel = sampleEdition;
  const rendered = await renderEdition(model);
  const headers = headersFor(model);
  const readers = recipients(1000, randomBytes(32), model);
  const reader = (i: number) => readers[i % readers.length]!;
  const template = await MessageTemplate.create(rendered, headers);
  const messageBytes = template.personalise(reader(0)).length;

  // The fast path is synchronous; awaiting it in the timing loop would measure the microtask queue instead.
  const personalise = await timeFor(seconds, 2000, (i) => template.personalise(reader(i)));
  const fromScratch = await timeFor(seconds, 50, (i) => buildMessage(rendered, headers, reader(i)));
  const perReaderCompile = await timeFor(seconds * 1.5, 3, async (i) => buildMessage(await renderEdition(model), headers, reader(i)));
  return {
    personalise,
    fromScratch,
    perReaderCompile,
    vsPerReaderCompile: personalise.perSecond / perReaderCompile.perSecond,
    vsFromScratch: personalise.perSecond / fromScratch.perSecond,
    messageBytes,
  };
}

export interface EndToEndBench {
  subscribers: number;
  insertSeconds: number;
  sendSeconds: number;
  perSecond: number;
  perCoreSecond: number;
  accepted: number;
  concurrency: number;
  failed: number;
}

/**
 * Sends the sample edition to `count` subscribers: state in dynalite (subscribers, ledger, edition),
 * mail through the SES-compatible test server with no faults and no rate limit. The servers run in
 * this process and the sender in a child, as on a real deployment, so the two cores are both used
 * and the CPU figure is the sender's alone.
 */
export async function benchEndToEnd(options: { subscribers?: number; concurrency?: number } = {}): Promise<EndToEndBench> {
  const count = options.subscribers ?? 10_000;
  const concurrency = options.concurrency ?? 50;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-bench-'));
  const services = await startEmbeddedServers({ dataDir });
  const ses = await FaultySesServer.start({ record: false });
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: services.endpoints.dynamodb, credentials });
  try {
    const tableName = 'bench';
    await ensureTable(dynamodb, tableName);
    const newsletter = await benchNewsletter();
    const insertStarted = performance.now();
    await insertSubscribers(dynamodb, tableName, newsletter.id, count);
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    await storeSampleEdition(new DynamoEditionStore(dynamodb, tableName), count);

    const run = await child<SendRun>(
      ['--dynamo-child', services.endpoints.dynamodb, tableName, ses.endpoint, String(concurrency)],
      `end-to-end send to ${count}`,
    );
    return {
      subscribers: count,
      insertSeconds,
      sendSeconds: run.seconds,
      perSecond: run.sent / run.seconds,
      perCoreSecond: run.sent / run.cpuSeconds,
      accepted: ses.counts.accepted,
      concurrency,
      failed: run.failed,
    };
  } finally {
    dynamodb.destroy();
    await ses.close();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface SendRun {
  sent: number;
  failed: number;
  seconds: number;
  cpuSeconds: number;
  /** Peak resident memory of the sending process. */
  peakRssMb?: number;
}

export interface RawVsProductRound {
  raw: { perSecond: number; peakRssMb: number; accepted: number };
  product: { perSecond: number; peakRssMb: number; sent: number; failed: number };
  ratio: number;
  exactlyOnce: boolean;
  /** 1-minute load average when the round started (the machine is shared). */
  loadAverage: number;
}

export interface RawVsProductFigure extends RawVsProductRound {
  subscribers: number;
  /** Each round: the raw loop, then the product, back to back on a fresh server and table. */
  rounds: RawVsProductRound[];
}

/**
 * The product against the raw SDK loop, on the same SES-compatible server (one instance per round,
 * recording both runs, in this process) with the same message: each in its own child process, with
 * dynalite in a worker thread of this one (as `newsletter digest` finds servers already started by
 * `newsletter dev`). Both build each reader's message while sending: the raw loop used to pre-build
 * all of them before timing, which no real sender can do. Raw and product run back to back in
 * rounds, and the figure is the round with the median ratio: on a shared machine one pair of runs
 * can differ by 2x with nothing changed. The ratio is what the product's bookkeeping (ledger,
 * suppressions, pacing, retries) costs against sending alone.
 */
export async function benchRawVsProduct(options: { subscribers: number; rounds?: number }): Promise<RawVsProductFigure> {
  const count = options.subscribers;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-bench-'));
  const services = await startEmbeddedServers({ dataDir });
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: services.endpoints.dynamodb, credentials });
  try {
    const rounds: RawVsProductRound[] = [];
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      rounds.push(await rawVsProductRound(count, services.endpoints.dynamodb, dynamodb, `bench-${round}`));
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)]!;
    return { subscribers: count, ...median, exactlyOnce: rounds.every((r) => r.exactlyOnce), rounds };
  } finally {
    dynamodb.destroy();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function rawVsProductRound(count: number, dynamodbEndpoint: string, dynamodb: DynamoDBClient, tableName: string): Promise<RawVsProductRound> {
  const loadAverage = loadavg()[0] ?? 0;
  const ses = await FaultySesServer.start({ record: true });
  try {
    const raw = await child<SendRun>(['--raw-child', ses.endpoint, String(count), '16'], `raw SendRawEmail loop of ${count}`);
    const rawAccepted = ses.counts.accepted;
    const rawCopies = ses.copiesByRecipient();
    await ensureTable(dynamodb, tableName);
    const newsletter = await benchNewsletter();
    await insertSubscribers(dynamodb, tableName, newsletter.id, count);
    await storeSampleEdition(new DynamoEditionStore(dynamodb, tableName), count);
    // BENCH_PRODUCT_CONCURRENCY=n fixes the product's sends in flight (default: it follows the rate, as the product's default).
    const run = await child<SendRun>(
      ['--dynamo-child', dynamodbEndpoint, tableName, ses.endpoint, process.env.BENCH_PRODUCT_CONCURRENCY ?? '0'],
      `product send to ${count}`,
    );
    // Both runs write to the same readers: each must have exactly one copy from each run.
    const copies = ses.copiesByRecipient();
    const rawPerSecond = raw.sent / raw.seconds;
    const productPerSecond = run.sent / run.seconds;
    return {
      raw: { perSecond: rawPerSecond, peakRssMb: raw.peakRssMb ?? 0, accepted: rawAccepted },
      product: { perSecond: productPerSecond, peakRssMb: run.peakRssMb ?? 0, sent: run.sent, failed: run.failed },
      ratio: productPerSecond / rawPerSecond,
      exactlyOnce: copies.size === count && [...copies].every(([to, n]) => rawCopies.get(to) === 1 && n === 2),
      loadAverage,
    };
  } finally {
    await ses.close();
  }
}

/**
 * The child side of the raw loop: the same readers as the product's (addresses and ids), and each
 * message made in the loop as the product makes it (signed links, personalised template), then
 * only SendRawEmail: no store, no pacing, no retries.
 */
async function rawRun(sesEndpoint: string, count: number, inFlight: number): Promise<SendRun> {
  const sesClient = new SESClient({ region: 'us-east-1', endpoint: sesEndpoint, credentials, maxAttempts: 1 });
  const rendered = await renderEdition(sampleEdition);
  const template = await MessageTemplate.create(rendered, headersFor(sampleEdition));
  const key = randomBytes(32);
  const readers = Array.from({ length: count }, (_, i) => benchSubscriber(sampleEdition.newsletterId, i, ''));
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < readers.length) {
      const reader = readers[next++]!;
      const raw = template.personalise({
        to: reader.email,
        ...readerLinks(key, BASE_URL, sampleEdition.newsletterId, reader.id),
        messageKey: `${sampleEdition.editionId}.${reader.id}`,
      });
      await sesClient.send(new SendRawEmailCommand({ Source: 'digest@example.com', Destinations: [reader.email], RawMessage: { Data: raw } }));
      sent++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  sesClient.destroy();
  return { sent, failed: 0, seconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** The child side of benchEndToEnd: resumes the stored sample edition and sends it to the whole table. */
async function dynamoRun(dynamodbEndpoint: string, tableName: string, sesEndpoint: string, concurrency: number): Promise<SendRun> {
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamodbEndpoint, credentials });
  const sesClient = new SESClient({ region: 'us-east-1', endpoint: sesEndpoint, credentials, maxAttempts: 1 });
  const deps: DigestDependencies = {
    ...unusedSources,
    editions: new DynamoEditionStore(dynamodb, tableName),
    subscribers: new DynamoSubscriberStore(dynamodb, tableName),
    suppressions: new DynamoSuppressionStore(dynamodb, tableName),
    ledger: new DynamoDeliveryLedger(dynamodb, tableName),
    mailer: new SesMailer(sesClient),
    tokenKey: randomBytes(32),
    clock: systemClock,
    owner: 'bench',
  };
  const newsletter = await benchNewsletter();
  const cpu = process.cpuUsage();
  const started = performance.now();
  // 0: the concurrency follows the rate, as the product's default.
  const result = await runDigest(newsletter, deps, { rate: 100_000, ...(concurrency > 0 ? { concurrency } : {}) });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  dynamodb.destroy();
  sesClient.destroy();
  if (result.status !== 'sent' && result.status !== 'paused') throw new Error(`the end-to-end send did not send: ${result.status}`);
  return {
    sent: result.report.sent,
    failed: result.report.failed,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The edition is stored before the send, so nothing is collected or rendered by runDigest. */
const unusedSources = {
  sources: [],
  extractor: { name: 'unused', extract: async () => ({ keyPoints: [] }) },
  render: renderEdition,
} satisfies Partial<DigestDependencies>;

async function benchNewsletter(): Promise<NewsletterConfig> {
  const { config } = await loadConfig(path.join(root, 'newsletter.config.json'));
  const newsletter = config.newsletters.find((n) => n.id === sampleEdition.newsletterId) ?? config.newsletters[0]!;
  return { ...newsletter, id: sampleEdition.newsletterId };
}

/** The sample edition, stored as an unfinished edition: runDigest resumes it, so the bench times sending only. */
async function storeSampleEdition(editions: EditionStore, subscribers: number): Promise<void> {
  const rendered: RenderedEdition = await renderEdition(sampleEdition);
  await editions.create(
    {
      newsletterId: sampleEdition.newsletterId,
      editionId: sampleEdition.editionId,
      status: 'sending',
      createdAt: new Date().toISOString(),
      subject: sampleEdition.subject,
      date: sampleEdition.date,
      articles: sampleEdition.articles.map((a) => ({ id: a.id, title: a.title, ...('url' in a && a.url ? { url: a.url } : {}) })),
      // As prepareEdition sets it for a list of this size.
      deliveryGroups: deliveryGroupsFor(subscribers),
    },
    rendered,
  );
}

/** Subscriber ids of the simulated list; any key gives ids of the same shape. */
const BENCH_ID_KEY = randomBytes(32);

function benchSubscriber(newsletterId: string, i: number, now: string): Subscriber {
  const email = `reader${i}@example.com`;
  return { id: subscriberId(BENCH_ID_KEY, email), newsletterId, email, status: 'confirmed', createdAt: now, confirmedAt: now };
}

/** BatchWrite, 25 items a request, eight requests at a time; unprocessed items are written again. */
async function insertSubscribers(client: DynamoDBClient, tableName: string, newsletterId: string, count: number): Promise<void> {
  const doc = documentClient(client);
  const now = new Date().toISOString();
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 25);
      let items: Record<string, unknown>[] = [];
      for (let i = from; i < next; i++) {
        const s = benchSubscriber(newsletterId, i, now);
        items.push({ PutRequest: { Item: { ...keys.subscriber(newsletterId, s.id), ...s } } });
      }
      while (items.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: items as never } }));
        items = (result.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

export interface MemoryFigure {
  subscribers: number;
  sent: number;
  seconds: number;
  /** Heap used before the send and after it, both after a full GC (MB). */
  heapBeforeMb: number;
  heapAfterMb: number;
  /** Highest heap used seen while sending (sampled every 20 ms, MB): garbage included, so it follows the GC's mood. */
  peakHeapMb: number;
  /** Highest live heap while sending: heap used right after a full GC, taken every 5,000 deliveries (MB). A leak shows here. */
  liveHeapMb: number;
  /** Peak resident set size of the whole process (MB). */
  peakRssMb: number;
}

export interface MemoryBench {
  runs: MemoryFigure[];
  /** Largest list ÷ smallest: 1.0 is perfectly flat. */
  peakRssRatio: number;
  liveHeapRatio: number;
  heapAfterRatio: number;
  setup: string;
}

/**
 * Memory as the list grows: each size in a fresh process (so one run's garbage cannot hide in
 * another's figures), against in-memory paged stores and a loopback SES-compatible server.
 */
export async function benchMemory(options: { sizes?: number[]; concurrency?: number } = {}): Promise<MemoryBench> {
  const sizes = options.sizes ?? [10_000, 100_000];
  // The SES server runs here, in the parent, so the child measures the sender alone and it gets the other core.
  const ses = await FaultySesServer.start({ record: false });
  try {
    const runs: MemoryFigure[] = [];
    // One after the other: side by side they would starve the SES server of CPU and take longer.
    for (const size of sizes) {
      runs.push(
        await child<MemoryFigure>(['--memory-child', String(size), ses.endpoint, String(options.concurrency ?? 50)], `memory run of ${size} subscribers`),
      );
    }
    const first = runs[0]!;
    const last = runs.at(-1)!;
    return {
      runs,
      peakRssRatio: last.peakRssMb / first.peakRssMb,
      liveHeapRatio: last.liveHeapMb / first.liveHeapMb,
      heapAfterRatio: last.heapAfterMb / first.heapAfterMb,
      setup:
        'in-memory paged subscriber store (generated per page), counting ledger (fresh edition: every group lock is ' +
        'the first), in-memory edition store, real SesMailer + SDK to a loopback SES server',
    };
  } finally {
    await ses.close();
  }
}

/** Runs this file in a fresh Node process in one of its child modes and returns the JSON it prints. */
function child<T>(args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=dir writes a V8 CPU profile of each child there (open it in Chrome DevTools).
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
    const proc = spawn(process.execPath, ['--expose-gc', ...profile, '--import', 'tsx', fileURLToPath(import.meta.url), ...args], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line) as T);
      else reject(new Error(`${what} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** Subscribers generated page by page from a counter: nothing is held but the current page. */
class GeneratedSubscriberList implements Pick<SubscriberStore, 'count' | 'list'> {
  private readonly now = new Date().toISOString();
  constructor(private readonly size: number) {}
  async count(): Promise<number> {
    return this.size;
  }
  async list(newsletterId: string, options: { limit: number; cursor?: string }): Promise<SubscriberPage> {
    const from = options.cursor ? Number(options.cursor) : 0;
    const to = Math.min(this.size, from + options.limit);
    const subscribers: Subscriber[] = [];
    for (let i = from; i < to; i++) subscribers.push(benchSubscriber(newsletterId, i, this.now));
    return { subscribers, ...(to < this.size ? { cursor: String(to) } : {}) };
  }
}

/**
 * The send path only pages through the list; any other subscriber-store call from it would be a
 * change worth knowing about, so it fails loudly instead of being faked.
 */
function sendOnlySubscriberStore(list: GeneratedSubscriberList): SubscriberStore {
  return new Proxy(list, {
    get(target, property, receiver) {
      if (property === 'count' || property === 'list') return Reflect.get(target, property, receiver).bind(target);
      // Symbols and `then` are asked by the runtime (inspection, awaiting), not by the send path.
      if (typeof property === 'symbol' || property === 'then') return undefined;
      return () => Promise.reject(new Error(`the bench subscriber list does not implement ${String(property)}(): the send path should not need it`));
    },
  }) as unknown as SubscriberStore;
}

/** A ledger for a fresh edition that only counts: what a real one stores lives in DynamoDB, not in the sender. */
class CountingLedger implements DeliveryLedger {
  sent = 0;
  failed = 0;
  async claimGroup(): Promise<GroupClaim> {
    return 'first';
  }
  async renewGroup(): Promise<boolean> {
    return true;
  }
  async releaseGroup(): Promise<void> {}
  async entries(): Promise<Map<string, DeliveryEntry>> {
    return new Map();
  }
  async markFailed(): Promise<void> {
    this.failed++;
  }
  async markSentMany(_editionId: string, sent: readonly unknown[]): Promise<void> {
    this.sent += sent.length;
  }
  async markSkipped(): Promise<void> {}
  async countEnded(): Promise<number> {
    return this.sent + this.failed;
  }
}

class MemoryEditionStore implements EditionStore {
  private readonly records = new Map<string, EditionRecord>();
  private readonly renders = new Map<string, RenderedEdition>();
  private readonly counts = new Map<string, EditionCounts>();
  async create(edition: EditionRecord, rendered: RenderedEdition): Promise<boolean> {
    if (this.records.has(edition.editionId)) return false;
    this.records.set(edition.editionId, edition);
    this.renders.set(edition.editionId, rendered);
    return true;
  }
  async get(_newsletterId: string, editionId: string): Promise<EditionRecord | undefined> {
    return this.records.get(editionId);
  }
  async getRendered(_newsletterId: string, editionId: string): Promise<RenderedEdition | undefined> {
    return this.renders.get(editionId);
  }
  async list(newsletterId: string, limit: number): Promise<EditionRecord[]> {
    return [...this.records.values()].filter((r) => r.newsletterId === newsletterId).slice(0, limit);
  }
  async listPage(newsletterId: string, page: { limit: number }): Promise<{ editions: EditionRecord[] }> {
    return { editions: await this.list(newsletterId, page.limit) };
  }
  async update(_newsletterId: string, editionId: string, changes: Partial<Omit<EditionRecord, 'newsletterId' | 'editionId'>>): Promise<void> {
    const record = this.records.get(editionId);
    if (record) this.records.set(editionId, { ...record, ...changes });
  }
  async addCounts(_newsletterId: string, editionId: string, add: Partial<EditionCounts>): Promise<EditionRecord> {
    const counts = this.counts.get(editionId) ?? { sent: 0, alreadySent: 0, suppressed: 0, failed: 0, throttledRetries: 0, bounces: 0, complaints: 0 };
    for (const [k, v] of Object.entries(add) as [keyof EditionCounts, number][]) counts[k] = (counts[k] ?? 0) + (v ?? 0);
    this.counts.set(editionId, counts);
    return { ...this.records.get(editionId)!, counts };
  }
  async sentArticleKeys(): Promise<Set<string>> {
    return new Set();
  }
  async pause(): Promise<boolean> {
    return true;
  }
  async markArticlesSent(): Promise<void> {}
  async moveStatus(): Promise<boolean> {
    return false;
  }
  async releaseArticles(): Promise<void> {}
  async getModel(): Promise<undefined> {
    return undefined;
  }
  async saveDraftEdit(): Promise<boolean> {
    return false;
  }
}

const noSuppressions: SuppressionStore = {
  isSuppressed: async () => false,
  suppressedAmong: async () => new Set<string>(),
  suppress: async () => {},
  recordSoftBounce: async () => 1,
  findMany: async () => new Map(),
  lift: async () => false,
};

/** The child side of benchMemory: one send to `size` generated subscribers; prints one JSON line. */
async function memoryRun(size: number, endpoint: string, concurrency: number): Promise<MemoryFigure> {
  setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (runInNewContext('gc') as () => void);
  const sesClient = new SESClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
  const editions = new MemoryEditionStore();
  await storeSampleEdition(editions, size);
  const newsletter = await benchNewsletter();
  const deps: DigestDependencies = {
    ...unusedSources,
    editions,
    subscribers: sendOnlySubscriberStore(new GeneratedSubscriberList(size)),
    suppressions: noSuppressions,
    ledger: new CountingLedger(),
    mailer: new SesMailer(sesClient),
    tokenKey: randomBytes(32),
    clock: systemClock,
    owner: 'bench',
  };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  let liveHeap = heapBefore;
  let checkpoint = 5_000;
  const onProgress = (report: DeliveryReport) => {
    if (report.sent + report.alreadySent + report.suppressed + report.failed < checkpoint) return;
    checkpoint += 5_000;
    gc();
    liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  };
  const started = performance.now();
  const result = await runDigest(newsletter, deps, { rate: 100_000, concurrency, onProgress });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sesClient.destroy();
  gc();
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return {
    subscribers: size,
    sent: result.status === 'sent' || result.status === 'paused' ? result.report.sent : 0,
    seconds,
    heapBeforeMb: mb(heapBefore),
    heapAfterMb: mb(process.memoryUsage().heapUsed),
    peakHeapMb: mb(peakHeap),
    liveHeapMb: mb(liveHeap),
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
  };
}

function print(work: Promise<unknown>): void {
  work.then(
    (figure) => {
      console.log(JSON.stringify(figure));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

// Child modes, for figures that need a process of their own.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === '--memory-child') print(memoryRun(Number(args[0]), args[1]!, Number(args[2])));
  if (mode === '--dynamo-child') print(dynamoRun(args[0]!, args[1]!, args[2]!, Number(args[3])));
  if (mode === '--raw-child') print(rawRun(args[0]!, Number(args[1]), Number(args[2])));
}
