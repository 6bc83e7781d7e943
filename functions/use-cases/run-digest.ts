import type { ArticleProblem } from '../core/article.js';
import type { NewsletterConfig } from '../core/config.js';
import { emptyReport, mergeReports, type DeliveryReport } from '../core/delivery.js';
import { buildEditionModel, type EditionModel, type RenderedEdition } from '../core/edition.js';
import { MessageTemplate } from '../mail/message-template.js';
import type { ArticleSource } from '../ports/article-source.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import type { EditionRecord, EditionStore } from '../ports/edition-store.js';
import type { KeyPointExtractor } from '../ports/key-point-extractor.js';
import type { Mailer } from '../ports/mailer.js';
import type { SubscriberStore, SuppressionStore } from '../ports/subscriber-store.js';
import { collectArticles, sentKeys } from './collect-articles.js';
import { Pacer, sendBatch, type Clock } from './send-edition.js';

export interface DigestDependencies {
  sources: ArticleSource[];
  extractor: KeyPointExtractor;
  editions: EditionStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  ledger: DeliveryLedger;
  mailer: Mailer;
  render: (model: EditionModel) => Promise<RenderedEdition>;
  tokenKey: Buffer;
  clock: Clock;
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
  /** Called once the edition is rendered, before anything is sent (the CLI writes `out/` here). */
  onRendered?: (model: EditionModel, rendered: RenderedEdition) => Promise<void>;
  onProgress?: (report: DeliveryReport) => void;
}

export type DigestResult =
  | { status: 'nothing-new'; alreadySent: number; problems: ArticleProblem[] }
  | { status: 'dry-run'; model: EditionModel; rendered: RenderedEdition; problems: ArticleProblem[] }
  | {
      status: 'sent' | 'paused';
      resumed: boolean;
      edition: EditionRecord;
      model?: EditionModel;
      rendered: RenderedEdition;
      report: DeliveryReport;
      problems: ArticleProblem[];
    };

/**
 * The main job: builds the edition from the articles new since the last one, renders it once and
 * sends it to every confirmed subscriber. An unfinished edition (a crash, a quota stop) is resumed
 * first, and the ledger makes sure nobody gets it twice.
 */
export async function runDigest(newsletter: NewsletterConfig, deps: DigestDependencies, options: DigestOptions = {}): Promise<DigestResult> {
  if (!options.dryRun && !options.force) {
    const unfinished = (await deps.editions.list(newsletter.id, 5)).find((e) => e.status === 'sending');
    if (unfinished) {
      const rendered = await deps.editions.getRendered(newsletter.id, unfinished.editionId);
      if (rendered) return send(newsletter, deps, options, unfinished, rendered, { resumed: true, problems: [] });
    }
  }

  const collected = await collectArticles({
    newsletterId: newsletter.id,
    sources: deps.sources,
    extractor: deps.extractor,
    editions: deps.editions,
    maxKeyPoints: newsletter.keyPoints.max,
    maxArticles: newsletter.maxArticles,
    includeSent: options.force ?? false,
  });
  if (collected.digests.length === 0) return { status: 'nothing-new', alreadySent: collected.alreadySent, problems: collected.problems };

  const now = deps.clock.now();
  const model = buildEditionModel({ newsletter, articles: collected.digests, now, ...(options.force ? { attempt: now.getTime() } : {}) });
  const rendered = await deps.render(model);
  await options.onRendered?.(model, rendered);
  if (options.dryRun) return { status: 'dry-run', model, rendered, problems: collected.problems };

  const record: EditionRecord = {
    newsletterId: newsletter.id,
    editionId: model.editionId,
    status: 'sending',
    createdAt: now.toISOString(),
    subject: model.subject,
    date: model.date,
    articles: model.articles.map((a) => ({ id: a.id, title: a.title, ...(a.url ? { url: a.url } : {}) })),
  };
  const created = await deps.editions.create(record, rendered);
  const edition = created ? record : ((await deps.editions.get(newsletter.id, model.editionId)) ?? record);
  // Remember the articles as soon as the edition exists, so a second run never builds them into another one.
  await deps.editions.markArticlesSent(newsletter.id, model.editionId, model.articles.flatMap(sentKeys), now.toISOString());
  return send(newsletter, deps, options, edition, rendered, { resumed: !created, problems: collected.problems, model });
}

async function send(
  newsletter: NewsletterConfig,
  deps: DigestDependencies,
  options: DigestOptions,
  edition: EditionRecord,
  rendered: RenderedEdition,
  extra: { resumed: boolean; problems: ArticleProblem[]; model?: EditionModel },
): Promise<DigestResult> {
  const quota = await deps.mailer.getSendQuota();
  const rate = options.rate ?? quota.maxSendRate;
  const budget = quota.max24HourSend >= 0 ? { remaining: Math.max(0, quota.max24HourSend - quota.sentLast24Hours) } : undefined;
  const template = await MessageTemplate.create(rendered, {
    from: newsletter.from,
    ...(newsletter.replyTo ? { replyTo: newsletter.replyTo } : {}),
    listId: `${newsletter.id}.${newsletter.from.email.split('@')[1] ?? 'localhost'}`,
    date: new Date(edition.createdAt),
  });
  const ctx = {
    editionId: edition.editionId,
    newsletterId: newsletter.id,
    baseUrl: newsletter.baseUrl,
    fromAddress: newsletter.from.email,
    template,
    tokenKey: deps.tokenKey,
    ledger: deps.ledger,
    suppressions: deps.suppressions,
    mailer: deps.mailer,
    clock: deps.clock,
    pacer: new Pacer(rate, deps.clock),
    concurrency: options.concurrency ?? 10,
    ...(budget ? { budget } : {}),
  };

  const started = deps.clock.now().getTime();
  let report = emptyReport();
  let cursor: string | undefined;
  do {
    // Page through the list: memory stays flat however many subscribers there are.
    const page = await deps.subscribers.list(newsletter.id, { status: 'confirmed', limit: options.pageSize ?? 500, ...(cursor ? { cursor } : {}) });
    const batch = await sendBatch({ ...ctx, onProgress: (r) => options.onProgress?.(mergeReports(report, r)) }, page.subscribers);
    report = mergeReports(report, batch);
    cursor = page.cursor;
  } while (cursor && !report.stoppedReason);
  report.durationMs = deps.clock.now().getTime() - started;
  report.rate = report.durationMs > 0 ? report.sent / (report.durationMs / 1000) : report.sent;

  const status = report.stoppedReason ? 'paused' : 'sent';
  const finishedAt = deps.clock.now().toISOString();
  // This run's report; on a resumed edition, deliveries of earlier runs count as already sent.
  const total = report;
  await deps.editions.update(newsletter.id, edition.editionId, {
    status: status === 'sent' ? 'sent' : 'sending',
    report: total,
    ...(status === 'sent' ? { finishedAt } : {}),
    ...(report.stoppedReason ? { pausedReason: report.stoppedReason } : { pausedReason: undefined }),
  });
  const updated = { ...edition, status: status === 'sent' ? ('sent' as const) : ('sending' as const), report: total };
  return { status, resumed: extra.resumed, edition: updated, rendered, report: total, problems: extra.problems, ...(extra.model ? { model: extra.model } : {}) };
}
