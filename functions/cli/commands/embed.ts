import type { Command } from 'commander';
import { NewsletterError } from '../../core/errors.js';
import { embedForm } from '../../use-cases/embed-form.js';
import { openAwsApp, wantsAws, type AwsTargetOptions } from '../aws-app.js';
import { loadNewsletter, runningDevServer, type GlobalOptions } from '../local-app.js';

/** `newsletter embed`: the sign-up form to paste into the publisher's own site. */
export function registerEmbedCommand(program: Command): void {
  program
    .command('embed')
    .description("print an HTML sign-up form (no script needed) that posts to the newsletter's API, to paste into your own site")
    .option('--api <url>', "the API's base address (default: the running dev server, else the newsletter's baseUrl; with --aws, the stack's)")
    .option('--aws', "post to the deployed stack's API (its SubscribePage output)")
    .option('--stack <name>', 'the deployed stack (implies --aws; default KeypointsNewsletter)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter embed > signup.html\n  $ npx newsletter embed --aws\n  $ npx newsletter embed --api https://news.example.com',
    )
    .action(async (flags: { api?: string }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
      if (flags.api !== undefined) {
        const { newsletter } = await loadNewsletter(options);
        return void console.log(embedForm(newsletter, flags.api));
      }
      if (wantsAws(options)) {
        const app = await openAwsApp(options);
        try {
          const page = app.target.subscribePageUrl;
          if (!page) {
            throw new NewsletterError(
              `stack "${app.target.stackName}" gave no SubscribePage output (or NEWSLETTER_TABLE and ` +
                `NEWSLETTER_SEND_QUEUE_URL skipped reading it): give the API's address with --api URL`,
            );
          }
          return void console.log(embedForm(app.newsletter, page));
        } finally {
          await app.close();
        }
      }
      const { newsletter } = await loadNewsletter(options);
      console.log(embedForm(newsletter, (await runningDevServer(options.dataDir)) ?? newsletter.baseUrl));
    });
}
