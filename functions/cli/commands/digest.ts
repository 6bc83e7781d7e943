import type { KeyPointReport } from '../../use-cases/collect-articles.js';
import path from 'node:path';
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { NewsletterError } from '../../core/errors.js';
import { FolderSource } from '../../adapters/sources/folder-source.js';
import { buildEdition, runDigest } from '../../use-cases/run-digest.js';
import { nextRunWaitsFor } from '../../use-cases/edition-history.js';
import { addDemoReader, confirmedReaders } from '../../use-cases/manage-list.js';
import { listDependencies } from '../../wiring/subscriptions.js';
import { localDeliveryOptions, testSendDependencies } from '../../wiring/delivery.js';
import { digestDependencies, previewDependencies } from '../../wiring/edition.js';
import { parseTestAddresses, sendTestCopies, type TestSendResult } from '../../use-cases/test-send.js';
import type { ArticleSource } from '../../ports/article-source.js';
import { openLocalApp, type GlobalOptions, type LocalApp } from '../local-app.js';
import { describeEdition, noSubscribersLine, summary, writeEditionFiles } from '../output.js';
import { sendRate } from '../arguments.js';
import { createProgress } from '../progress.js';
import { awaitingReviewLine, draftLine } from '../review-output.js';
import { digestThroughStack, runningStack, stackDigestLine, type StackState } from '../stack-dev.js';

/** The address the first local run subscribes, so a newcomer sees a message arrive. */
export const DEMO_SUBSCRIBER = 'reader@example.com';

interface DigestFlags {
  articles?: string;
  out: string;
  dryRun?: boolean;
  force?: boolean;
  rate?: number;
  testTo?: string;
  intro?: string;
  subject?: string;
  exclude?: string[];
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const TEST_TO_HELP = 'send the edition being built to these addresses only, subject marked as a test; nothing is recorded';

export function registerDigestCommands(program: Command): void {
  program
    .command('digest')
    .description('build the edition from articles new since the last one and send it to every confirmed subscriber')
    .option('--articles <dir>', 'read articles from this folder instead of the configured sources')
    .option('--out <dir>', 'where the rendered edition is written', 'out')
    .option('--dry-run', 'render and write the edition, send nothing')
    .option('--force', 'send again even when nothing is new, as a new edition')
    .option('--rate <n>', 'messages per second (default: the SES account maximum)', sendRate)
    .option('--test-to <emails>', TEST_TO_HELP)
    .option('--intro <text>', "this edition's opening words, in place of the greeting")
    .option('--subject <text>', "this edition's subject, in place of the one made from the first headline")
    .option('--exclude <url-or-id>', 'leave this article out (it stays new for the next edition); repeatable', collect)
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter digest\n  $ npx newsletter digest --subject "Our pick this week" --intro ' +
        '"Hello again!" --exclude https://example.com/old-story\n' +
        '  $ npx newsletter digest --dry-run --articles drafts/\n' +
        '  $ npx newsletter digest --test-to me@example.com,editor@example.com\n' +
        '  $ npx newsletter --newsletter weekly-en digest --rate 10',
    )
    .action(async (_flags: DigestFlags, command: Command) => {
      await digest(command.optsWithGlobals<GlobalOptions & DigestFlags>());
    });

  program
    .command('preview')
    .description('render the edition from the current articles into out/<edition>/ without sending or recording anything')
    .option('--articles <dir>', 'read articles from this folder instead of the configured sources')
    .option('--out <dir>', 'where the rendered edition is written', 'out')
    .option('--test-to <emails>', TEST_TO_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter preview --articles drafts/ && open out/*/digest.html\n  $ npx newsletter preview --test-to me@example.com',
    )
    .action(async (_flags: DigestFlags, command: Command) => {
      await preview(command.optsWithGlobals<GlobalOptions & DigestFlags>());
    });
}

/** `--articles DIR`: read this folder instead of the configured sources. */
function folderOverride(articlesDir: string): ArticleSource[] {
  return [new FolderSource(path.resolve(articlesDir), { displayName: articlesDir })];
}

async function preview(options: GlobalOptions & DigestFlags): Promise<void> {
  const testTo = options.testTo === undefined ? undefined : parseTestAddresses(options.testTo);
  const app = await openLocalApp(options);
  try {
    const { newsletter } = app;
    const sources = options.articles ? folderOverride(options.articles) : app.sourcesFor(newsletter);
    // The digest's own build over the edition store, read only: the next edition, without what went out before.
    const built = await buildEdition(newsletter, previewDependencies(app, newsletter, sources), { dryRun: true });
    printProblems(built.problems);
    if (built.status === 'nothing-new') {
      if (built.failedSources.length > 0) throw sourcesFailedError(built.failedSources, sources.length, options.config);
      if (built.alreadySent === 0)
        console.log(noArticlesLine(built.problems.length, options.articles !== undefined || newsletter.sources.every((s) => s.type === 'folder')));
      else console.log(`Nothing new since the last edition (${built.alreadySent} article(s) already sent): the next digest sends nothing. Add articles first.`);
      return;
    }
    for (const line of await waitingLines(app)) console.log(line);
    const { model, rendered } = built;
    const dir = await writeEditionFiles(options.out, newsletter, model, rendered);
    for (const line of describeEdition(model)) console.log(line);
    if (!testTo) {
      console.log(`\nWrote ${path.join(dir, 'digest.html')}, digest.txt and digest.json (nothing sent).`);
      return;
    }
    console.log(`\nWrote ${path.join(dir, 'digest.html')}, digest.txt and digest.json`);
    console.log(testSentLine(await sendTestCopies(newsletter, testSendDependencies(app), { rendered, editionId: model.editionId }, testTo)));
  } finally {
    await app.close();
  }
}

/** What the next digest does before it builds the previewed edition: resume an unfinished one, or wait for a draft's review. */
async function waitingLines(app: LocalApp): Promise<string[]> {
  const waits = await nextRunWaitsFor(app, app.newsletter);
  if (waits.for === 'unfinished')
    return [`Edition ${waits.edition.editionId} is still going out: the next digest finishes it first, and builds this one on the run after.`, ''];
  if (waits.for === 'review')
    return [`Draft ${waits.edition.editionId} still waits for review: the next digest builds this one only once it is approved or skipped.`, ''];
  return [];
}

function testSentLine(result: TestSendResult): string {
  return (
    `Test copy sent to ${result.sent} address${result.sent === 1 ? '' : 'es'} ("${result.subject}"): no edition ` +
    `recorded, the articles stay new for the list.`
  );
}

async function digest(options: GlobalOptions & DigestFlags): Promise<void> {
  // A test send builds exactly what a real run would, but stores nothing: a dry run plus the copies.
  const testTo = options.testTo === undefined ? undefined : parseTestAddresses(options.testTo);
  if (testTo) options = { ...options, dryRun: true };
  // Beside `newsletter dev --stack-twin` a real run goes through the twin of the stack, as on AWS.
  const stack = options.dryRun ? undefined : await runningStack(options.dataDir);
  if (stack) return digestThroughStackTwin(options, stack);
  const app = await openLocalApp({ ...options, ...(options.rate ? { sendRate: options.rate } : {}) });
  try {
    const { newsletter } = app;
    console.log(`Newsletter: ${newsletter.title} (${newsletter.id})`);
    if (app.servers?.owned) console.log(`Embedded servers: DynamoDB ${app.endpoints.dynamodb}, SES ${app.endpoints.ses} (data in ${options.dataDir}/)`);
    else if (app.servers) console.log(`Using the local servers of another newsletter command: DynamoDB ${app.endpoints.dynamodb}, SES ${app.endpoints.ses}`);
    // Only the bundled sample gets a demo reader; an operator's own newsletter never mails one.
    if (!options.dryRun && newsletter.demo) await addDemoSubscriberIfEmpty(app);

    const progress = createProgress(options.dryRun ? 0 : await confirmedReaders(app, newsletter.id));
    let folder = '';
    const result = await runDigest(
      newsletter,
      digestDependencies(app, newsletter, options.articles ? folderOverride(options.articles) : app.sourcesFor(newsletter), app.owner),
      {
        ...(options.dryRun ? { dryRun: true } : {}),
        ...(options.force ? { force: true } : {}),
        ...(options.intro ? { intro: options.intro } : {}),
        ...(options.subject ? { subject: options.subject } : {}),
        ...(options.exclude?.length ? { exclude: options.exclude } : {}),
        ...localDeliveryOptions(app.config, options.rate),
        onRendered: async (model, rendered) => {
          folder = await writeEditionFiles(options.out, newsletter, model, rendered);
          for (const line of describeEdition(model)) console.log(line);
          console.log(`\nWrote ${path.join(folder, 'digest.html')}, digest.txt and digest.json`);
        },
        onProgress: (report) => progress.update(report),
      },
    );
    progress.stop();
    printProblems(result.problems);
    if ('keyPointReport' in result && result.keyPointReport) for (const line of keyPointReportLines(result.keyPointReport)) console.log(line);

    switch (result.status) {
      case 'nothing-new':
        // A source that did not answer may hold what is new: nothing sent is then a fault, not an outcome.
        if (result.failedSources.length > 0) throw sourcesFailedError(result.failedSources, options.articles ? 1 : newsletter.sources.length, options.config);
        if (result.alreadySent === 0) {
          const foldersOnly = options.articles !== undefined || newsletter.sources.every((s) => s.type === 'folder');
          console.log(`${noArticlesLine(result.problems.length, foldersOnly)} No edition sent.`);
          return;
        }
        console.log(
          `Nothing new since the last edition (${result.alreadySent} article(s) already sent): no edition sent. Add ` +
            `articles, or use --force to send again as a new edition.`,
        );
        return;
      case 'dry-run':
        if (testTo)
          console.log(
            testSentLine(await sendTestCopies(newsletter, testSendDependencies(app), { rendered: result.rendered, editionId: result.model.editionId }, testTo)),
          );
        else console.log('Dry run: nothing stored, nothing sent.');
        return;
      case 'no-subscribers':
        console.log(noSubscribersLine(newsletter.id));
        return;
      case 'draft':
        console.log(draftLine(result.edition, result.reviewSent));
        return;
      case 'awaiting-review':
        console.log(awaitingReviewLine(result.edition));
        return;
      default: {
        if (result.resumed && !result.model) console.log(`Resumed unfinished edition ${result.edition.editionId}: ${result.edition.subject}`);
        console.log(summary(result.report));
        // Only the run that paused the edition says so; a quota stop or another run's work is not a pause.
        if (result.status === 'paused') console.log(`${result.pausedHere ? 'Edition paused' : 'Edition not finished'}: ${result.report.stoppedReason}`);
        const captured = app.servers?.ses?.messages.at(-1);
        if (captured && folder) {
          await writeFile(path.join(folder, 'last-message.eml'), captured.raw);
          console.log(`The last message sent is in ${path.join(folder, 'last-message.eml')}`);
        }
        if (result.report.failed > 0) process.exitCode = 2;
      }
    }
  } finally {
    await app.close();
  }
}

/** What the scheduled digest function takes: nothing but the newsletter. */
const NOT_FOR_THE_STACK = [
  ['articles', '--articles'],
  ['force', '--force'],
  ['rate', '--rate'],
  ['intro', '--intro'],
  ['subject', '--subject'],
  ['exclude', '--exclude'],
] as const;

/**
 * The digest function of the stack twin that `newsletter dev --stack-twin` runs, as its schedule runs
 * it on AWS: it queues the edition; the twin's event source and sender function deliver it.
 */
async function digestThroughStackTwin(options: GlobalOptions & DigestFlags, stack: StackState): Promise<void> {
  const flag = NOT_FOR_THE_STACK.find(([name]) => {
    const value = options[name];
    return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false;
  });
  if (flag) {
    throw new NewsletterError(
      `${flag[1]} is not taken by the stack's digest function, which dev --stack-twin (process ${stack.pid}) runs ` +
        `for this data dir: drop ${flag[1]}, or stop dev --stack-twin (or use another --data-dir) to send in this process`,
    );
  }
  const app = await openLocalApp(options);
  const { newsletter } = app;
  try {
    console.log(`Newsletter: ${newsletter.title} (${newsletter.id})`);
    console.log(`Through the stack twin that dev --stack-twin runs (process ${stack.pid}): digest function → SQS queue → sender function`);
    if (newsletter.demo) await addDemoSubscriberIfEmpty(app);
  } finally {
    await app.close();
  }
  const result = await digestThroughStack(stack, newsletter.id);
  if (result.problems > 0) console.warn(`${result.problems} article(s) skipped by the digest function: "npx newsletter preview" names each with its reason.`);
  console.log(`Digest function: ${stackDigestLine(result, newsletter.id)}`);
  if (result.status === 'queued' && (result.queued ?? 0) > 0)
    console.log(`Watch it arrive in the inbox viewer of dev --stack-twin: ${newsletter.baseUrl}/_inbox`);
}

/**
 * Nothing built because sources did not answer: the command fails (exit 1), so a scheduled run
 * is noticed instead of reading as a quiet week.
 */
function sourcesFailedError(failed: string[], total: number, configFile: string): NewsletterError {
  return new NewsletterError(
    `no articles: ${failed.length} of ${total} source${total === 1 ? '' : 's'} did not answer (${failed.join(', ')}), each named above with its reason: ` +
      `fix ${failed.length === 1 ? 'it' : 'them'} (or its entry under "sources" in ${configFile}) and run again; nothing was sent`,
  );
}

/** Why there is nothing to show: the sources' problems (printed above) before any advice about folders. */
function noArticlesLine(problems: number, onlyFolders: boolean): string {
  if (problems > 0) return `No articles: ${problems} problem${problems === 1 ? '' : 's'} with the sources, each named above with its reason.`;
  return onlyFolders ? 'No articles: add .txt, .md or .html files to the article folder.' : 'No articles: the configured sources have none right now.';
}

async function addDemoSubscriberIfEmpty(app: LocalApp): Promise<void> {
  if (!(await addDemoReader(listDependencies(app), app.newsletter.id, DEMO_SUBSCRIBER))) return;
  console.log(`The list was empty: added the demo subscriber ${DEMO_SUBSCRIBER} (confirmed). Add your own with "npx newsletter subscribers add EMAIL".`);
}

/** The language-model extractor's part of the run summary: calls saved by the cache, points dropped, articles that fell back. */
function keyPointReportLines(report: KeyPointReport): string[] {
  const lines = [
    `Key points (${report.extractor}): ${report.articles} article(s), ${report.cached} from the ` +
      `cache, ${report.dropped} point(s) dropped as unfaithful (replaced from the embedded ` +
      `extractor), ${report.fallbacks.length} article(s) on the embedded extractor.`,
  ];
  for (const f of report.fallbacks) lines.push(`Warning: ${f.location}: ${f.reason}; its key points are the embedded extractor's.`);
  return lines;
}

function printProblems(problems: { location: string; reason: string }[]): void {
  for (const p of problems) console.warn(`Skipped ${p.location}: ${p.reason}`);
}
