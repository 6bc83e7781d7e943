import { archiveUrlFor } from '../core/archive.js';
import type { ArticleProblem } from '../core/article.js';
import type { Clock } from '../core/clock.js';
import type { NewsletterConfig } from '../core/config.js';
import { deliveryGroupsFor } from '../core/delivery/groups.js';
import { emptyReport, mergeReports, type DeliveryPause, type DeliveryReport } from '../core/delivery/report.js';
import { SEND_BATCH_SIZE } from '../core/delivery/queue-messages.js';
import { buildEditionModel, withoutCapsSignal, type EditionModel, type RenderedEdition } from '../core/edition.js';
import { EditionConflictError } from '../core/errors.js';
import {
  afterLocalSend,
  countsOf,
  endedDeliveries,
  ledgerSaysComplete,
  queuedEditionComplete,
  reputationStop,
  waitsForPerson,
  type EditionRecord,
  type ExtractionSummary,
  type ReputationLimits,
} from '../core/edition-lifecycle.js';
import type { ArticleSource } from '../ports/article-source.js';
import type { EditionStore } from '../ports/edition-store.js';
import type { KeyPointExtractor } from '../ports/key-point-extractor.js';
import type { Mailer } from '../ports/mailer.js';
import { GroupedSendQueue, type SendQueue } from '../ports/send-queue.js';
import type { SubscriberStore } from '../ports/subscriber-store.js';
import { subscriberPages } from '../ports/subscriber-pages.js';
import { collectArticles, sentKeys, type KeyPointReport } from './collect-articles.js';
import { sendForReview } from './review-copy.js';
import type { WarmUp } from '../core/send-budget.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import { abandonBatch, prepareBatch } from './delivery/prepare-batch.js';
import { sendBatch } from './delivery/send-batch.js';
import { sendContextFor, type SendDependencies } from './delivery/send-context.js';

/** What building an edition needs: nothing is stored, so a preview only reads the edition store. */
export interface BuildDependencies {
  sources: ArticleSource[];
  extractor: KeyPointExtractor;
  /**
   * Asked which articles went out before, and whether an edition id is taken by a skipped edition;
   * without it every current article is in the edition.
   */
  editions?: Pick<EditionStore, 'sentArticleKeys'> & Partial<Pick<EditionStore, 'get'>>;
  render: (model: EditionModel) => Promise<RenderedEdition>;
  /** Rewrites article titles and key points once per edition (the Chinese script); none by default. */
  convertText?: ((text: string) => string) | undefined;
  /** Re-derives the word around a pinyin gloss in the edition's script (see `cleanArticle`); none by default. */
  rewordGlossed?: ((text: string) => string) | undefined;
  clock: Clock;
}

export interface PrepareDependencies extends BuildDependencies {
  editions: EditionStore;
  /** Counted when an edition is created, to split its readers into delivery groups. */
  subscribers: Pick<SubscriberStore, 'count'>;
}

export type DigestDependencies = PrepareDependencies & SendDependencies;

/** The fan-out on AWS (`enqueueEdition`): prepare, then queue the readers; `review` mails a draft's approve and skip links. */
export interface FanOutDependencies extends PrepareDependencies {
  subscribers: SubscriberStore;
  queue: SendQueue;
  ledger: Pick<DeliveryLedger, 'countEnded'>;
  review?: { mailer: Mailer; tokenKey: Buffer };
}

export interface DigestOptions {
  /** Build and render, but neither store nor send. */
  dryRun?: boolean;
  /** Send again even when nothing is new, as a new edition. */
  force?: boolean;
  /** Messages per second; default: the account's maximum send rate. */
  rate?: number;
  concurrency?: number;
  /** Subscribers per page read from the store. */
  pageSize?: number;
  limits?: ReputationLimits;
  /** A new domain's warm-up: a daily ceiling below the account's quota (see core/send-budget.ts). */
  warmUp?: WarmUp;
  /** Called once the edition is rendered, before anything is sent (the CLI writes `out/` here). */
  onRendered?: (model: EditionModel, rendered: RenderedEdition) => Promise<void>;
  onProgress?: (report: DeliveryReport) => void;
  /** This edition's own opening words, in place of the greeting. */
  intro?: string;
  /** This edition's own subject, in place of the one made from the first headline. */
  subject?: string;
  /** Articles to leave out, by id or URL; they stay new for the next edition. */
  exclude?: string[];
  /** Leave an unfinished edition whose fan-out completed to the queue's senders, and build the next one (the queued send). */
  leaveQueued?: boolean;
}

export type PreparedEdition =
  /** `failedSources`: sources that did not answer at all; with any, "nothing new" may be untrue. */
  | { status: 'nothing-new'; alreadySent: number; problems: ArticleProblem[]; failedSources: string[] }
  /** Nobody would get it: nothing is built, and the articles stay new for the next run. */
  | { status: 'no-subscribers'; problems: ArticleProblem[] }
  /** approval "manual": the edition is stored as a draft, its articles reserved, nothing sent to the list. */
  | { status: 'draft'; edition: EditionRecord; rendered: RenderedEdition; model: EditionModel; problems: ArticleProblem[]; reviewSent?: number }
  /** approval "manual" and a draft is still waiting: nothing new is built until it is approved or skipped. */
  | { status: 'awaiting-review'; edition: EditionRecord; problems: ArticleProblem[] }
  | { status: 'dry-run'; model: EditionModel; rendered: RenderedEdition; problems: ArticleProblem[]; keyPointReport?: KeyPointReport }
  | {
      status: 'ready';
      resumed: boolean;
      edition: EditionRecord;
      rendered: RenderedEdition;
      model?: EditionModel;
      problems: ArticleProblem[];
      keyPointReport?: KeyPointReport;
    };

export type DigestResult =
  | Exclude<PreparedEdition, { status: 'ready' }>
  | {
      status: 'sent' | 'paused';
      resumed: boolean;
      /**
       * True when this run paused the edition (bounce or complaint rate). A 'paused' result without
       * it stopped for another reason (daily quota, another run's deliveries, another run's pause)
       * and the edition goes on with the next run or the run that paused it.
       */
      pausedHere?: boolean;
      edition: EditionRecord;
      model?: EditionModel;
      rendered: RenderedEdition;
      report: DeliveryReport;
      problems: ArticleProblem[];
      /** With a language-model extractor: answers, cache hits, dropped points and fallbacks of this edition. */
      keyPointReport?: KeyPointReport;
      /** Why sending stopped early, for metrics and alarms; absent when everyone has the edition. */
      paused?: DeliveryPause;
    };

export type BuiltEdition =
  | Extract<PreparedEdition, { status: 'nothing-new' }>
  | { status: 'built'; model: EditionModel; rendered: RenderedEdition; problems: ArticleProblem[]; builtAt: Date; keyPointReport?: KeyPointReport };

/**
 * Builds and renders an edition from the articles of `deps.sources` and stores nothing: the part
 * of a run that a dry run, a real run and `newsletter preview` share. A store in `deps.editions`
 * leaves out what earlier editions carried; without one (a preview) every current article counts.
 *
 * @example
 * const built = await buildEdition(newsletter, buildDependencies({ clock, templateDirs }, newsletter, sources), { dryRun: true });
 */
export async function buildEdition(newsletter: NewsletterConfig, deps: BuildDependencies, options: DigestOptions = {}): Promise<BuiltEdition> {
  const collected = await collectArticles({
    newsletterId: newsletter.id,
    sources: deps.sources,
    extractor: deps.extractor,
    ...(deps.editions ? { editions: deps.editions } : {}),
    maxKeyPoints: newsletter.keyPoints.max,
    maxArticles: newsletter.maxArticles,
    includeSent: options.force ?? false,
    // Key points are chosen (and an LLM's checked) on the text as the edition will print it.
    ...(deps.convertText ? { script: { convert: deps.convertText, ...(deps.rewordGlossed ? { rewordGlossed: deps.rewordGlossed } : {}) } } : {}),
  });
  const excluded = new Set(options.exclude ?? []);
  const digests = excluded.size ? collected.digests.filter((a) => !excluded.has(a.id) && !(a.url && excluded.has(a.url))) : collected.digests;
  if (digests.length === 0)
    return { status: 'nothing-new', alreadySent: collected.alreadySent, problems: collected.problems, failedSources: collected.failedSources };

  const now = deps.clock.now();
  const modelOf = (attempt: number | undefined) =>
    buildEditionModel({ newsletter, articles: digests, now, convertText: deps.convertText, ...(attempt ? { attempt } : {}) });
  let built = modelOf(options.force ? 1 : undefined);
  // The same articles on the same day give the same id. A skipped edition keeps its id (its record
  // says what was turned down), so a rebuild of its released articles takes the next free attempt:
  // reusing the id would find the skipped record, mark the articles sent under it and build nothing.
  for (let attempt = 1; !options.force && (await isSkipped(deps, newsletter.id, built.editionId)); attempt++) built = modelOf(attempt);
  // A forced edition takes the first attempt no edition has: two forced runs at once build the same
  // id, and the store's conditional create lets only one of them have it (see prepareEdition).
  for (let attempt = 2; options.force && (await exists(deps, newsletter.id, built.editionId)); attempt++) built = modelOf(attempt);
  // A stored edition gets its public page; a dry run has none to link to.
  const model: EditionModel = {
    ...built,
    ...(options.dryRun ? {} : { webUrl: archiveUrlFor(newsletter.baseUrl, built.editionId) }),
    ...(options.intro ? { intro: options.intro } : {}),
    ...(options.subject ? { subject: withoutCapsSignal(options.subject, newsletter.language) } : {}),
  };
  const rendered = await deps.render(model);
  await options.onRendered?.(model, rendered);
  return {
    status: 'built',
    model,
    rendered,
    problems: collected.problems,
    builtAt: now,
    ...(collected.keyPointReport ? { keyPointReport: collected.keyPointReport } : {}),
  };
}

async function exists(deps: BuildDependencies, newsletterId: string, editionId: string): Promise<boolean> {
  return (await deps.editions?.get?.(newsletterId, editionId)) !== undefined;
}

async function isSkipped(deps: BuildDependencies, newsletterId: string, editionId: string): Promise<boolean> {
  return (await deps.editions?.get?.(newsletterId, editionId))?.status === 'skipped';
}

/**
 * Finds the edition to send: the unfinished one if a run was interrupted, otherwise a new one
 * built from the articles that are new since the last edition, rendered once and stored.
 */
async function prepareEdition(newsletter: NewsletterConfig, deps: PrepareDependencies, options: DigestOptions = {}): Promise<PreparedEdition> {
  const draft = newsletter.approval === 'manual' && !options.dryRun;
  if (!options.dryRun && !options.force) {
    const recent = await deps.editions.list(newsletter.id, 5);
    // On AWS an edition whose readers are all on the queue is the senders' to finish (an alarm
    // watches its age): the next edition is built beside it instead of queuing the list again.
    const unfinished = recent.find((e) => e.status === 'sending' && !(options.leaveQueued && e.queued !== undefined));
    if (unfinished) {
      const rendered = await deps.editions.getRendered(newsletter.id, unfinished.editionId);
      if (rendered) return { status: 'ready', resumed: true, edition: unfinished, rendered, problems: [] };
    }
    const waiting = draft ? recent.find((e) => e.status === 'draft') : undefined;
    if (waiting) return { status: 'awaiting-review', edition: waiting, problems: [] };
  }

  const built = await buildEdition(newsletter, deps, options);
  if (built.status === 'nothing-new') return built;
  const { model, rendered, problems, builtAt: now } = built;
  const report = built.keyPointReport ? { keyPointReport: built.keyPointReport } : {};
  if (options.dryRun) return { status: 'dry-run', model, rendered, problems, ...report };

  const record: EditionRecord = {
    newsletterId: newsletter.id,
    editionId: model.editionId,
    status: draft ? 'draft' : 'sending',
    createdAt: now.toISOString(),
    subject: model.subject,
    date: model.date,
    articles: model.articles.map((a) => ({
      id: a.id,
      title: a.title,
      keyPoints: a.keyPoints,
      ...(a.url ? { url: a.url } : {}),
      ...(a.urlKey ? { urlKey: a.urlKey } : {}),
    })),
    deliveryGroups: deliveryGroupsFor(await deps.subscribers.count(newsletter.id, 'confirmed')),
    ...(built.keyPointReport ? { extraction: extractionSummary(built.keyPointReport) } : {}),
  };
  if (options.force) await refuseBesideUnfinished(deps, newsletter.id);
  const created = await deps.editions.create(record, rendered, model);
  if (options.force && !created) {
    throw new EditionConflictError(
      `another run is building edition ${model.editionId} of ${newsletter.id} with --force right now: this run sends nothing; let that one finish`,
    );
  }
  const edition = created ? record : ((await deps.editions.get(newsletter.id, model.editionId)) ?? record);
  // Remember the articles as soon as the edition exists, so a second run never builds them into another one.
  await deps.editions.markArticlesSent(newsletter.id, model.editionId, model.articles.flatMap(sentKeys), now.toISOString());
  if (draft) return created ? { status: 'draft', edition, rendered, model, problems } : { status: 'awaiting-review', edition, problems };
  return { status: 'ready', resumed: !created, edition, rendered, model, problems, ...report };
}

/**
 * A forced edition is not built while another is being sent: that one may be a forced run that
 * started a moment before (its id was taken before this run looked for a free one), and a forced
 * edition beside an unfinished one would leave that one unfinished. Checked after the free id was
 * chosen and before creating: a run that created its edition before the check is seen here, one
 * that creates it after has the same id and the conditional create turns this run away.
 */
async function refuseBesideUnfinished(deps: PrepareDependencies, newsletterId: string): Promise<void> {
  const sending = (await deps.editions.list(newsletterId, 5)).find((e) => e.status === 'sending');
  if (sending) {
    throw new EditionConflictError(
      `edition ${sending.editionId} of ${newsletterId} is still being sent (by another run, or one that stopped): ` +
        `run "newsletter digest" without --force to finish it, then force a new edition`,
    );
  }
}

/**
 * The main job on one machine: prepares the edition and sends it to every confirmed subscriber
 * in-process. An interrupted edition is resumed first, and the ledger makes sure nobody gets it twice.
 */
export async function runDigest(newsletter: NewsletterConfig, deps: DigestDependencies, options: DigestOptions = {}): Promise<DigestResult> {
  if (!options.dryRun && !(await hasConfirmedSubscriber(deps.subscribers, newsletter.id))) return { status: 'no-subscribers', problems: [] };
  const prepared = await prepareEdition(newsletter, deps, options);
  if (prepared.status === 'draft') return { ...prepared, reviewSent: (await sendForReview(newsletter, deps, prepared)).sent };
  if (prepared.status !== 'ready') return prepared;
  const { report, pausedHere } = await sendToList(newsletter, deps, options, prepared.edition, prepared.rendered);
  const status = report.stoppedReason ? 'paused' : 'sent';
  const edition: EditionRecord = { ...prepared.edition, status: status === 'sent' ? 'sent' : pausedHere ? 'paused' : 'sending', report };
  return {
    status,
    resumed: prepared.resumed,
    ...(pausedHere ? { pausedHere } : {}),
    edition,
    rendered: prepared.rendered,
    report,
    problems: prepared.problems,
    ...(prepared.keyPointReport ? { keyPointReport: prepared.keyPointReport } : {}),
    ...(prepared.model ? { model: prepared.model } : {}),
    ...(report.paused ? { paused: report.paused } : {}),
  };
}

/**
 * An edition built for nobody would still mark its articles sent, and the first real reader would
 * never get them: so a list without a confirmed subscriber builds nothing.
 */
async function hasConfirmedSubscriber(subscribers: SubscriberStore, newsletterId: string): Promise<boolean> {
  return (await subscribers.list(newsletterId, { status: 'confirmed', limit: 1 })).subscribers.length > 0;
}

/** Sends the edition to the whole list in-process, page by page, and records the outcome. */
async function sendToList(
  newsletter: NewsletterConfig,
  deps: SendDependencies,
  options: DigestOptions,
  edition: EditionRecord,
  rendered: RenderedEdition,
): Promise<{ report: DeliveryReport; pausedHere: boolean }> {
  const ctx = await sendContextFor(newsletter, deps, edition, rendered, options);
  const started = deps.clock.now().getTime();
  let report = emptyReport();
  let paused = false;
  // Each page is read when it is prepared (no read-ahead of its own), so the sender knows how old
  // what it knows about those readers is, and reads it again before their turn when it gets old.
  const pages = subscriberPages(deps.subscribers, newsletter.id, {
    status: 'confirmed',
    readAhead: false,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })[Symbol.asyncIterator]();
  const ahead = () => {
    const readAt = deps.clock.now().getTime();
    return pages.next().then((read) => (read.done ? undefined : { page: read.value, prepared: prepareBatch(ctx, read.value, readAt) }));
  };
  let current = await ahead();
  while (current) {
    // The next page is read, locked and looked up while this one is sent.
    const following = ahead();
    following.then(
      (next) => next?.prepared.catch(() => {}),
      () => {},
    );
    const { report: batch } = await sendBatch(
      { ...ctx, onProgress: (r) => options.onProgress?.(mergeReports(report, r)) },
      current.page,
      current.prepared,
    ).catch(async (error: unknown) => {
      await following.then(
        (next) => next && abandonBatch(ctx, next.prepared),
        () => {},
      );
      throw error;
    });
    report = mergeReports(report, batch);
    const counted = await deps.editions.addCounts(newsletter.id, edition.editionId, countsOf(batch));
    const reputation = reputationStop(counted.counts, options.limits, edition.baseline);
    if (reputation && !report.stoppedReason) {
      report.stoppedReason = reputation;
      report.paused = { reason: 'reputation', detail: reputation };
    }
    paused = waitsForPerson(report.paused);
    if (report.stoppedReason) {
      await following.then(
        (next) => next && abandonBatch(ctx, next.prepared),
        () => {},
      );
      break;
    }
    current = await following;
  }
  report.durationMs = deps.clock.now().getTime() - started;
  report.rate = report.durationMs > 0 ? report.sent / (report.durationMs / 1000) : report.sent;

  // Deliveries another run holds are that run's to finish; this edition is not done until they are.
  if (report.inProgress > 0) report.stoppedReason ??= `${report.inProgress} deliveries are being sent by another run; run again once it has finished`;
  // A reputation stop waits for a person. Two runs at once may both see the rate pass the limit:
  // the conditional write lets exactly one of them pause the edition (and say so).
  const pausedHere = paused && (await deps.editions.pause(newsletter.id, edition.editionId, report.stoppedReason!));
  if (paused && !pausedHere) report.stoppedReason = `another run paused the edition first (${report.stoppedReason})`;
  // A pause is already written; otherwise sent, or still sending for the next run to resume.
  await deps.editions.update(newsletter.id, edition.editionId, paused ? { report } : afterLocalSend(report, deps.clock.now()));
  return { report, pausedHere };
}

/**
 * The fan-out on AWS: prepares the edition like `runDigest`, then pages through the confirmed
 * subscribers and queues batches of ids for the senders. Queuing again (a retried schedule) is
 * harmless: the delivery ledger skips whoever already has the edition.
 */
export async function enqueueEdition(
  newsletter: NewsletterConfig,
  deps: FanOutDependencies,
  options: DigestOptions & { batchSize?: number } = {},
): Promise<
  | Exclude<PreparedEdition, { status: 'ready' }>
  | { status: 'queued'; edition: EditionRecord; queued: number; batches: number; resumed: boolean; problems: ArticleProblem[]; keyPointReport?: KeyPointReport }
> {
  if (!options.dryRun && !(await hasConfirmedSubscriber(deps.subscribers, newsletter.id))) return { status: 'no-subscribers', problems: [] };
  const prepared = await prepareEdition(newsletter, deps, { ...options, leaveQueued: true });
  if (prepared.status === 'draft' && deps.review)
    return { ...prepared, reviewSent: (await sendForReview(newsletter, { ...deps.review, clock: deps.clock }, prepared)).sent };
  if (prepared.status !== 'ready') return prepared;
  if (prepared.edition.status === 'paused')
    return { status: 'queued', edition: prepared.edition, queued: 0, batches: 0, resumed: true, problems: prepared.problems };
  const batchSize = options.batchSize ?? SEND_BATCH_SIZE;
  let queued = 0;
  // Whole delivery groups per message, also where a group runs over a page boundary.
  const grouped = new GroupedSendQueue(deps.queue, prepared.edition, batchSize);
  for await (const page of subscriberPages(deps.subscribers, newsletter.id, {
    status: 'confirmed',
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  })) {
    await grouped.add(page.map((s) => s.id));
    queued += page.length;
  }
  await grouped.finish();
  const batches = grouped.batches;
  // A resumed edition's readers end once more (those who have it as already sent): done at what had ended plus all queued now.
  const doneAt = endedDeliveries(prepared.edition.counts) + queued;
  // Each confirmed reader once, as the ledger will count them when they have all had it.
  await deps.editions.update(newsletter.id, prepared.edition.editionId, { queued: doneAt, readers: queued });
  // Senders that finished before `queued` was written could not tell they were the last.
  const fresh = await deps.editions.get(newsletter.id, prepared.edition.editionId);
  const finished = fresh !== undefined && queuedEditionComplete(fresh) && ledgerSaysComplete(fresh, await deps.ledger.countEnded(fresh.editionId));
  if (finished) await deps.editions.update(newsletter.id, fresh.editionId, { status: 'sent', finishedAt: deps.clock.now().toISOString() });
  const edition = { ...(fresh ?? prepared.edition), queued: doneAt, readers: queued, ...(finished ? { status: 'sent' as const } : {}) };
  return {
    status: 'queued',
    edition,
    queued,
    batches,
    resumed: prepared.resumed,
    problems: prepared.problems,
    ...(prepared.keyPointReport ? { keyPointReport: prepared.keyPointReport } : {}),
  };
}

/** What the edition keeps of its extractor's report: the counts (the reasons of fallbacks go to the run's output and logs). */
function extractionSummary(report: KeyPointReport): ExtractionSummary {
  return { extractor: report.extractor, articles: report.articles, cached: report.cached, dropped: report.dropped, fallbacks: report.fallbacks.length };
}
