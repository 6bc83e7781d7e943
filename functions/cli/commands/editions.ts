import type { Command } from 'commander';
import { editionOutcome } from '../../core/edition-lifecycle.js';
import { NewsletterError } from '../../core/errors.js';
import type { EditionRecord } from '../../ports/edition-store.js';
import type { ExtractionSummary } from '../../core/edition-lifecycle.js';
import { editionDetails, latestEditions, type FailedDeliveries } from '../../use-cases/edition-history.js';
import { resendLocalFailures, resumeLocalEdition } from '../../use-cases/resume-local-edition.js';
import { resendFailedDeliveries, resumeQueuedEdition, type RequeueResult } from '../../use-cases/delivery/requeue-edition.js';
import { requeueDependencies } from '../../wiring/delivery.js';
import { openAwsApp, wantsAws, type AwsApp, type AwsTargetOptions } from '../aws-app.js';
import { openLocalApp, type GlobalOptions, type LocalApp } from '../local-app.js';
import { editionDelivered, summary } from '../output.js';
import { printable, printableJson } from '../terminal-text.js';
import { positiveInteger } from '../arguments.js';
import { registerReviewCommands } from './review.js';

type EditionsOptions = GlobalOptions & AwsTargetOptions;

/** Failed deliveries `editions show` lists on AWS; the count is always complete. */
const SHOWN_FAILURES = 20;

/** The local app or, with --aws / --stack, the deployed stack: both have the editions and a close. */
async function openEditionsApp(command: Command) {
  const options = command.optsWithGlobals<EditionsOptions>();
  return wantsAws(options) ? { aws: await openAwsApp(options) } : { local: await openLocalApp(options) };
}

/** Runs the work on the deployed stack (--aws / --stack) or on this machine, and closes what it opened. */
async function onEditionsApp(command: Command, work: { aws: (app: AwsApp) => Promise<void>; local: (app: LocalApp) => Promise<void> }): Promise<void> {
  const opened = await openEditionsApp(command);
  try {
    await (opened.aws ? work.aws(opened.aws) : work.local(opened.local!));
  } finally {
    await (opened.aws ?? opened.local!).close();
  }
}

export function registerEditionCommands(program: Command): void {
  const editions = program
    .command('editions')
    .description('editions sent so far and their delivery reports; with --aws, those of the deployed stack')
    .option(
      '--aws',
      'act on the deployed stack (AWS credential chain and region; table and send queue from the stack outputs, or ' +
        'NEWSLETTER_TABLE and NEWSLETTER_SEND_QUEUE_URL)',
    )
    .option('--stack <name>', 'the deployed stack to act on (implies --aws; default KeypointsNewsletter)');

  editions
    .command('list')
    .description('the latest editions, newest first')
    .option('--limit <n>', 'how many', positiveInteger, 20)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ npx newsletter editions list --limit 5\n  $ npx newsletter editions list --aws')
    .action(async (flags: { limit: number; json?: boolean }, command: Command) => {
      const opened = await openEditionsApp(command);
      const app = opened.aws ?? opened.local;
      try {
        const list = await latestEditions(app, app.newsletter.id, flags.limit);
        if (flags.json) return void console.log(printableJson(list));
        if (list.length === 0) console.log(`No editions of ${app.newsletter.id} yet: run "npx newsletter digest".`);
        for (const e of list) console.log(`${e.editionId}\t${e.status}\t${deliveredLine(e)}\t${printable(e.subject)}`);
      } finally {
        await app.close();
      }
    });

  editions
    .command('show')
    .description("one edition's articles and delivery report")
    .argument('<edition-id>')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions show ai-talent-2026-03-02-1a2b3c4d\n  $ npx newsletter editions show ai-talent-2026-03-02-1a2b3c4d --aws',
    )
    .action(async (editionId: string, flags: { json?: boolean }, command: Command) => {
      const opened = await openEditionsApp(command);
      const app = opened.aws ?? opened.local;
      try {
        // On AWS the senders keep no run report: the ledger has the failures and their reasons.
        const details = await editionDetails(opened.aws ?? { editions: app.editions }, app.newsletter.id, editionId, { shown: SHOWN_FAILURES });
        if (details.status === 'missing') throw missing(editionId, app.newsletter.id, opened.aws);
        const { edition } = details;
        if (flags.json) return void console.log(printableJson(edition));
        console.log(`${edition.editionId} (${edition.status}) ${printable(edition.subject)}`);
        for (const a of edition.articles) console.log(`  - ${printable(a.title)}${a.url ? ` ${printable(a.url)}` : ''}`);
        if (edition.report) console.log(summary(edition.report));
        else if (edition.queued !== undefined || edition.counts) console.log(countsLine(edition));
        if (edition.counts) console.log(eventsLine(edition));
        if (app.newsletter.countOpensAndClicks || edition.counts?.opens || edition.counts?.clicks) {
          console.log(
            `Opens and clicks: ${edition.counts?.opens ?? 0} opens, ${edition.counts?.clicks ?? 0} clicks (loads and ` +
              `clicks, not distinct readers; no reader is recorded)`,
          );
        }
        if (edition.edits?.length)
          console.log(
            `Edited before sending: ${edition.edits
              .map((e) => `${e.at} by ${printable(e.by)} (${e.changes.length} change${e.changes.length === 1 ? '' : 's'})`)
              .join('; ')}`,
          );
        if (edition.extraction) console.log(extractionLine(edition.extraction));
        if (edition.pausedReason) console.log(`Paused: ${edition.pausedReason}`);
        if (details.failures) printFailures(details.failures, editionId);
      } finally {
        await app.close();
      }
    });

  editions
    .command('resume')
    .description(
      'let a paused edition go on (SES not ready, bounce or complaint rate, daily quota): locally the next digest ' +
        "sends the rest; with --aws the readers who do not have it yet are queued for the stack's senders",
    )
    .argument('<edition-id>')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions resume ai-talent-2026-03-02-1a2b3c4d && npx newsletter digest\n' +
        '  $ npx newsletter editions resume ai-talent-2026-03-02-1a2b3c4d --aws',
    )
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      await onEditionsApp(command, {
        aws: async (app) => {
          const result = await resumeQueuedEdition(app.newsletter, editionId, requeueDependencies(app, app.sendQueue()));
          report(
            result,
            editionId,
            app,
            (r) =>
              `Edition ${editionId}: queued ${r.queued} reader${r.queued === 1 ? '' : 's'} who do not have it yet ` +
              `in ${r.batches} batch${r.batches === 1 ? '' : 'es'} to the send queue of stack ${app.target.stackName} ` +
              `(${r.alreadyHave} already have it); the senders finish it. Follow it with ` +
              `"npx newsletter editions show ${editionId} --aws".`,
          );
        },
        local: async (app) => {
          const result = await resumeLocalEdition(app, app.newsletter.id, editionId);
          if (result.status === 'missing') throw missing(editionId, app.newsletter.id);
          // A quota stop or an interrupted run is not paused: the next run goes on by itself.
          if (result.status === 'goes-on') return void console.log(`Edition ${editionId} is not paused: the next "npx newsletter digest" goes on with it.`);
          if (result.status === 'refused') throw new NewsletterError(result.reason);
          console.log(`Edition ${editionId} will resume on the next "npx newsletter digest".`);
        },
      });
    });

  editions
    .command('resend')
    .description(
      "send a finished edition's failed deliveries again (never to whoever has it): with --aws they are queued for " +
        "the stack's senders; locally the next digest sends them",
    )
    .argument('<edition-id>')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions resend ai-talent-2026-03-02-1a2b3c4d && npx newsletter digest\n' +
        '  $ npx newsletter editions resend ai-talent-2026-03-02-1a2b3c4d --aws',
    )
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      await onEditionsApp(command, {
        aws: async (app) => {
          const result = await resendFailedDeliveries(app.newsletter, editionId, requeueDependencies(app, app.sendQueue()));
          report(
            result,
            editionId,
            app,
            (r) =>
              `Edition ${editionId}: queued ${r.queued} failed deliver${r.queued === 1 ? 'y' : 'ies'} again in ${r.batches} ` +
              `batch${r.batches === 1 ? '' : 'es'} to the send queue of stack ${app.target.stackName}. Follow it with ` +
              `"npx newsletter editions show ${editionId} --aws".`,
          );
        },
        local: async (app) => {
          const result = await resendLocalFailures(app, app.newsletter.id, editionId);
          if (result.status === 'missing') throw missing(editionId, app.newsletter.id);
          if (result.status === 'refused') throw new NewsletterError(result.reason);
          if (result.status === 'nothing-to-send') return void console.log(`Edition ${editionId} has no failed deliveries: nothing to resend.`);
          const { failed } = result;
          console.log(`Edition ${editionId}: its ${failed} failed deliver${failed === 1 ? 'y goes' : 'ies go'} out again on the next "npx newsletter digest".`);
        },
      });
    });

  registerReviewCommands(editions);
}

function report(
  result: RequeueResult,
  editionId: string,
  app: AwsApp,
  queuedLine: (r: Extract<RequeueResult, { status: 'queued' | 'handed-on' }>) => string,
): void {
  if (result.status === 'missing') throw missing(editionId, app.newsletter.id, app);
  if (result.status === 'refused') throw new NewsletterError(result.reason);
  if (result.status === 'nothing-to-send') return void console.log(`Edition ${editionId} has no failed deliveries: nothing to resend.`);
  console.log(queuedLine(result));
  if (result.status === 'handed-on') console.log(`Edition ${editionId}: the stack's senders queue the rest of its readers.`);
  if (result.edition.status === 'sent') console.log(`Edition ${editionId} is sent: everyone had it already.`);
}

function missing(editionId: string, newsletterId: string, aws?: AwsApp): NewsletterError {
  const where = aws ? ` of stack ${aws.target.stackName} (table ${aws.target.tableName})` : '';
  return new NewsletterError(`edition ${editionId} is not in ${newsletterId}${where}: see "npx newsletter editions list${aws ? ' --aws' : ''}"`);
}

/** A local run keeps a report; a fanned-out edition on AWS has the senders' counters instead. */
function deliveredLine(e: EditionRecord): string {
  if (e.report) return `${editionDelivered(e.report)} delivered, ${e.report.failed} failed`;
  if (e.counts) return `${e.counts.sent} delivered, ${e.counts.failed} failed`;
  return '-';
}

function countsLine(e: EditionRecord): string {
  const c = e.counts;
  return (
    `Queued ${e.queued ?? '?'}: ${c?.sent ?? 0} sent, ${c?.suppressed ?? 0} suppressed, ${c?.failed ?? 0} ` +
    `failed, ${c?.throttledRetries ?? 0} throttled retries; ${c?.bounces ?? 0} bounces, ${c?.complaints ?? 0} complaints`
  );
}

/** What SES said of the edition's messages since (events of the configuration set; locally, whatever was fed to the feedback use case). */
/** A language-model extractor's part of the edition: answers, cache hits, points dropped as unfaithful, articles that fell back. */
function extractionLine(x: ExtractionSummary): string {
  return (
    `Key points (${printable(x.extractor)}): ${x.articles} article(s), ${x.cached} from the cache, ${x.dropped} ` +
    `point(s) dropped as unfaithful, ${x.fallbacks} article(s) on the embedded extractor`
  );
}

function eventsLine(e: EditionRecord): string {
  const o = editionOutcome(e);
  return (
    `SES events: ${o.delivered} delivered, ${o.bounces} bounced, ${o.complaints} complained, ${o.rejected} ` +
    `rejected, ${o.delayed} delayed (of ${o.sent} sent)`
  );
}

function printFailures(failures: FailedDeliveries, editionId: string): void {
  if (failures.count === 0) return;
  const shown = failures.first.map((f) => `  subscriber ${f.subscriberId}: ${printable(f.reason)}`);
  console.log(
    `Failed deliveries: ${failures.count}${failures.count > shown.length ? ` (first ${shown.length})` : ''}; ` +
      `"npx newsletter editions resend ${editionId} --aws" queues them again`,
  );
  for (const line of shown) console.log(line);
}
