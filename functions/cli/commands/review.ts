import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { NewsletterError } from '../../core/errors.js';
import { approveAndQueue, approveAndSend, skipDraft, type ReviewDecision } from '../../use-cases/review-edition.js';
import type { RequeueResult } from '../../use-cases/delivery/requeue-edition.js';
import { openAwsApp, wantsAws, type AwsApp, type AwsTargetOptions } from '../aws-app.js';
import { openLocalApp, type GlobalOptions } from '../local-app.js';
import { printable } from '../terminal-text.js';
import { localDeliveryOptions, requeueDependencies } from '../../wiring/delivery.js';
import { digestDependencies } from '../../wiring/edition.js';
import { noSubscribersLine, summary } from '../output.js';
import { editDraft, loadDraft } from '../../use-cases/edit-draft.js';
import { editDraftDependencies } from '../../wiring/review.js';
import { formatDraftFile, parseDraftFile } from '../../core/draft-file.js';
import { openInEditor, writePrivateDraft } from '../editor.js';

/** `editions approve ID` and `editions skip ID`: the review links' decisions, from the command line. */
export function registerReviewCommands(editions: Command): void {
  editions
    .command('approve')
    .description(
      'send a draft edition (approval: "manual") to the list; with --aws its readers are queued for the stack\'s senders; a second approve does nothing',
    )
    .argument('<edition-id>')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions approve ai-talent-2026-03-02-1a2b3c4d\n  $ npx newsletter editions approve ai-talent-2026-03-02-1a2b3c4d --aws',
    )
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
      if (wantsAws(options)) return approveOnAws(await openAwsApp(options), editionId);
      const app = await openLocalApp(options);
      try {
        const { decision, result } = await approveAndSend(
          app.newsletter,
          digestDependencies(app, app.newsletter, app.sourcesFor(app.newsletter), app.owner),
          editionId,
          localDeliveryOptions(app.config),
        );
        if (decision.status !== 'approved') return void console.log(undecidedLine(decision, editionId, app.newsletter.id));
        console.log(`Edition ${editionId} approved: ${printable(decision.edition.subject)}`);
        if (result?.status === 'sent' || result?.status === 'paused') {
          console.log(summary(result.report));
          if (result.status === 'paused') console.log(`Edition not finished: ${result.report.stoppedReason}`);
          if (result.report.failed > 0) process.exitCode = 2;
        } else if (result?.status === 'no-subscribers') console.log(`${noSubscribersLine(app.newsletter.id)} The approved edition goes out with the next run.`);
      } finally {
        await app.close();
      }
    });

  editions
    .command('edit')
    .description(
      'change a draft (approval: "manual") before it is approved: opens $EDITOR on its subject, opening words and key points, and stores what you save',
    )
    .argument('<edition-id>')
    .option('--file <path>', 'read the edited draft from this file instead of opening an editor (write one with --print)')
    .option('--print', 'print the draft as the editor would show it, and change nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions edit ai-talent-2026-03-02-1a2b3c4d\n' +
        '  $ EDITOR=nano npx newsletter editions edit ai-talent-2026-03-02-1a2b3c4d --aws\n' +
        '  $ npx newsletter editions edit ID --print > draft.txt && npx newsletter editions edit ID --file draft.txt',
    )
    .action(async (editionId: string, flags: { file?: string; print?: boolean }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
      const app = wantsAws(options) ? await openAwsApp(options) : await openLocalApp(options);
      try {
        const aws = 'target' in app ? app : undefined;
        const loaded = await loadDraft(app.editions, app.newsletter, editionId);
        if (loaded.status === 'not-found' || loaded.status === 'not-draft') return void console.log(undecidedLine(loaded, editionId, app.newsletter.id, aws));
        if (loaded.status === 'no-model')
          throw new NewsletterError(
            `edition ${editionId} was built before drafts kept their key points, so it cannot be edited: approve it as it ` +
              `is, or skip it and run the digest again`,
          );
        const file = formatDraftFile(loaded.model, editionId);
        if (flags.print) return void console.log(file.trimEnd());
        const text = flags.file ? await readDraftFile(flags.file) : await openInEditor(file, editionId);
        if (text === undefined || text === file) return void console.log(`Edition ${editionId}: nothing changed.`);
        const parsed = parseDraftFile(text);
        if (!parsed.ok) {
          // The editor's work is kept: a mistake on one line should not cost the rest.
          const kept = flags.file ?? (await writePrivateDraft(text, editionId));
          throw new NewsletterError(
            `${kept}, line ${parsed.line}: ${parsed.problem}; nothing was ` +
              `stored${flags.file ? '' : ` (fix it there and run "npx newsletter editions edit ${editionId} --file ${kept}")`}`,
          );
        }
        const who = `terminal (${process.env.USER ?? process.env.USERNAME ?? 'unknown user'})`;
        const outcome = await editDraft(app.newsletter, editDraftDependencies(app, app.newsletter), editionId, parsed.edit, {
          by: who,
          editsBefore: loaded.edition.edits?.length ?? 0,
        });
        switch (outcome.status) {
          case 'not-found':
          case 'not-draft':
            return void console.log(undecidedLine(outcome, editionId, app.newsletter.id, aws));
          case 'no-model':
            throw new NewsletterError(`edition ${editionId} cannot be edited: approve it as it is, or skip it`);
          case 'invalid':
            throw new NewsletterError(`edition ${editionId} not changed: ${outcome.problem}`);
          case 'conflict':
            throw new NewsletterError(
              `edition ${editionId} was changed or decided by someone else while you edited it; nothing was stored: run ` +
                `"npx newsletter editions edit ${editionId}${aws ? ' --aws' : ''}" again`,
            );
          case 'unchanged':
            return void console.log(`Edition ${editionId}: nothing changed.`);
          case 'edited':
            console.log(`Edition ${editionId} edited: ${printable(outcome.model.subject)}`);
            for (const change of outcome.changes) console.log(`  ${printable(change)}`);
            console.log(`Send it with "npx newsletter editions approve ${editionId}${aws ? ' --aws' : ''}".`);
        }
      } finally {
        await app.close();
      }
    });

  editions
    .command('skip')
    .description('drop a draft edition (approval: "manual") unsent; its articles go into the next edition; with --aws, a draft of the deployed stack')
    .argument('<edition-id>')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter editions skip ai-talent-2026-03-02-1a2b3c4d\n  $ npx newsletter editions skip ai-talent-2026-03-02-1a2b3c4d --aws',
    )
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
      // The skip only writes the edition store, so the stack's table is all it needs.
      const app = wantsAws(options) ? await openAwsApp(options) : await openLocalApp(options);
      try {
        const decision = await skipDraft(app.editions, app.newsletter, editionId);
        if (decision.status !== 'skipped') return void console.log(undecidedLine(decision, editionId, app.newsletter.id, 'target' in app ? app : undefined));
        console.log(`Edition ${editionId} skipped: nothing sent; its ${decision.edition.articles.length} article(s) go into the next edition.`);
      } finally {
        await app.close();
      }
    });
}

/** Approves on the deployed stack and queues the edition for its senders: nothing is sent from this machine. */
async function approveOnAws(app: AwsApp, editionId: string): Promise<void> {
  try {
    const { decision, queued } = await approveAndQueue(app.newsletter, editionId, requeueDependencies(app, app.sendQueue()));
    if (decision.status !== 'approved') return void console.log(undecidedLine(decision, editionId, app.newsletter.id, app));
    console.log(`Edition ${editionId} approved: ${printable(decision.edition.subject)}`);
    console.log(queuedLine(queued, editionId, app));
  } finally {
    await app.close();
  }
}

function queuedLine(queued: RequeueResult | undefined, editionId: string, app: AwsApp): string {
  if (queued?.status !== 'queued') return `Edition ${editionId}: nothing queued; the next scheduled run of stack ${app.target.stackName} goes on with it.`;
  if (queued.queued === 0)
    return `Edition ${editionId}: no confirmed reader on ${app.newsletter.id} is without it, so nothing was queued and the edition is closed as sent.`;
  return (
    `Edition ${editionId}: queued ${queued.queued} reader${queued.queued === 1 ? '' : 's'} in ${queued.batches} ` +
    `batch${queued.batches === 1 ? '' : 'es'} to the send queue of stack ${app.target.stackName}; the senders send ` +
    `it. Follow it with "npx newsletter editions show ${editionId} --aws".`
  );
}

async function readDraftFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new NewsletterError(`could not read the edited draft ${file}: ${(error as Error).message}; write one with "editions edit ID --print > ${file}"`, {
      cause: error,
    });
  }
}

function undecidedLine(
  decision: Pick<ReviewDecision, 'status'> & { edition?: { status: string } },
  editionId: string,
  newsletterId: string,
  aws?: AwsApp,
): string {
  if (decision.status === 'not-found') {
    const where = aws ? ` of stack ${aws.target.stackName} (table ${aws.target.tableName})` : '';
    throw new NewsletterError(`edition ${editionId} is not in ${newsletterId}${where}: see "npx newsletter editions list${aws ? ' --aws' : ''}"`);
  }
  return `Edition ${editionId} is ${decision.status === 'not-draft' && decision.edition ? decision.edition.status : 'decided'}, not a draft: nothing changed.`;
}
