import type { Command } from 'commander';
import { NewsletterError } from '../../core/errors.js';
import { openLocalApp, type GlobalOptions } from '../local-app.js';
import { editionDelivered, summary } from './digest.js';
import { printable, printableJson } from '../terminal-text.js';
import { positiveInteger } from '../main.js';
import { registerReviewCommands } from './review.js';

export function registerEditionCommands(program: Command): void {
  const editions = program.command('editions').description('editions sent so far and their delivery reports');

  editions
    .command('list')
    .description('the latest editions, newest first')
    .option('--limit <n>', 'how many', positiveInteger, 20)
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ npx newsletter editions list --limit 5')
    .action(async (flags: { limit: number; json?: boolean }, command: Command) => {
      const app = await openLocalApp(command.optsWithGlobals<GlobalOptions>());
      try {
        const list = await app.editions.list(app.newsletter.id, flags.limit);
        if (flags.json) return void console.log(printableJson(list));
        if (list.length === 0) console.log(`No editions of ${app.newsletter.id} yet: run "npx newsletter digest".`);
        for (const e of list) console.log(`${e.editionId}\t${e.status}\t${e.report ? `${editionDelivered(e.report)} delivered, ${e.report.failed} failed` : '-'}\t${printable(e.subject)}`);
      } finally {
        await app.close();
      }
    });

  editions
    .command('show')
    .description("one edition's articles and delivery report")
    .argument('<edition-id>')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ npx newsletter editions show ai-talent-2026-03-02-1a2b3c4d')
    .action(async (editionId: string, flags: { json?: boolean }, command: Command) => {
      const app = await openLocalApp(command.optsWithGlobals<GlobalOptions>());
      try {
        const edition = await app.editions.get(app.newsletter.id, editionId);
        if (!edition) throw new NewsletterError(`edition ${editionId} is not in ${app.newsletter.id}: see "npx newsletter editions list"`);
        if (flags.json) return void console.log(printableJson(edition));
        console.log(`${edition.editionId} (${edition.status}) ${printable(edition.subject)}`);
        for (const a of edition.articles) console.log(`  - ${printable(a.title)}${a.url ? ` ${printable(a.url)}` : ''}`);
        if (edition.report) console.log(summary(edition.report));
        if (edition.pausedReason) console.log(`Paused: ${edition.pausedReason}`);
      } finally {
        await app.close();
      }
    });

  editions
    .command('resume')
    .description('let a paused edition (bounce or complaint rate) go on: the next digest run sends the rest')
    .argument('<edition-id>')
    .addHelpText('after', '\nExample:\n  $ npx newsletter editions resume ai-talent-2026-03-02-1a2b3c4d && npx newsletter digest')
    .action(async (editionId: string, _flags: unknown, command: Command) => {
      const app = await openLocalApp(command.optsWithGlobals<GlobalOptions>());
      try {
        const edition = await app.editions.get(app.newsletter.id, editionId);
        if (!edition) throw new NewsletterError(`edition ${editionId} is not in ${app.newsletter.id}: see "npx newsletter editions list"`);
        if (edition.status !== 'paused') throw new NewsletterError(`edition ${editionId} is ${edition.status}, not paused: nothing to resume`);
        // Rates are judged afresh from here, or the old bounces would pause it again at once.
        await app.editions.update(app.newsletter.id, editionId, { status: 'sending', pausedReason: undefined, ...(edition.counts ? { baseline: edition.counts } : {}) });
        console.log(`Edition ${editionId} will resume on the next "npx newsletter digest".`);
      } finally {
        await app.close();
      }
    });

  registerReviewCommands(editions);
}
