import type { Command } from 'commander';
import { NewsletterError } from '../../core/errors.js';
import { approveAndSend, skipDraft, type ReviewDecision } from '../../use-cases/review-edition.js';
import { withLocalApp } from '../local-app.js';
import { printable } from '../terminal-text.js';
import { localDeliveryOptions } from '../../wiring/delivery.js';
import { digestDependencies } from '../../wiring/edition.js';
import { noSubscribersLine, summary } from '../output.js';

/** `editions approve ID` and `editions skip ID`: the review links' decisions, from the command line. */
export function registerReviewCommands(editions: Command): void {
  editions
    .command('approve')
    .description('send a draft edition (approval: "manual") to the list; a second approve does nothing')
    .argument('<edition-id>')
    .addHelpText('after', '\nExample:\n  $ npx newsletter editions approve ai-talent-2026-03-02-1a2b3c4d')
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      await withLocalApp(command, async (app) => {
        const { decision, result } = await approveAndSend(app.newsletter, digestDependencies(app, app.newsletter, app.sourcesFor(app.newsletter), app.owner), editionId, localDeliveryOptions(app.config));
        if (decision.status !== 'approved') return void console.log(undecidedLine(decision, editionId, app.newsletter.id));
        console.log(`Edition ${editionId} approved: ${printable(decision.edition.subject)}`);
        if (result?.status === 'sent' || result?.status === 'paused') {
          console.log(summary(result.report));
          if (result.status === 'paused') console.log(`Edition not finished: ${result.report.stoppedReason}`);
          if (result.report.failed > 0) process.exitCode = 2;
        } else if (result?.status === 'no-subscribers') console.log(`${noSubscribersLine(app.newsletter.id)} The approved edition goes out with the next run.`);
      });
    });

  editions
    .command('skip')
    .description('drop a draft edition (approval: "manual") unsent; its articles go into the next edition')
    .argument('<edition-id>')
    .addHelpText('after', '\nExample:\n  $ npx newsletter editions skip ai-talent-2026-03-02-1a2b3c4d')
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      await withLocalApp(command, async (app) => {
        const decision = await skipDraft(app.editions, app.newsletter, editionId);
        if (decision.status !== 'skipped') return void console.log(undecidedLine(decision, editionId, app.newsletter.id));
        console.log(`Edition ${editionId} skipped: nothing sent; its ${decision.edition.articles.length} article(s) go into the next edition.`);
      });
    });
}

function undecidedLine(decision: ReviewDecision, editionId: string, newsletterId: string): string {
  if (decision.status === 'not-found') throw new NewsletterError(`edition ${editionId} is not in ${newsletterId}: see "npx newsletter editions list"`);
  return `Edition ${editionId} is ${decision.status === 'not-draft' ? decision.edition.status : 'decided'}, not a draft: nothing changed.`;
}
