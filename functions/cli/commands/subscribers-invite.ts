import type { Command } from 'commander';
import { invitePending, type InviteReport } from '../../use-cases/invite-pending.js';
import { NewsletterError } from '../../core/errors.js';
import { wantsAws, type AwsTargetOptions } from '../aws-app.js';
import { openLocalApp, type GlobalOptions } from '../local-app.js';
import { sendRate } from '../arguments.js';
import { subscriptionDependencies } from '../../wiring/subscriptions.js';

/** `subscribers invite`: the confirmation mail to everyone imported as pending. */
export function registerInviteCommand(subscribers: Command): void {
  subscribers
    .command('invite')
    .description(
      'mail the confirmation link to every pending subscriber (imported without --confirmed), paced like an edition, at most once per re-send window',
    )
    .option('--rate <n>', 'messages per second (default: the config, else the SES account maximum)', sendRate)
    .addHelpText('after', '\nExample:\n  $ npx newsletter subscribers import old-list.csv && npx newsletter subscribers invite')
    .action(async (flags: { rate?: number }, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
      // Mail goes out from the stack's senders only, never with an operator's credentials.
      if (wantsAws(options)) {
        throw new NewsletterError(
          "subscribers invite does not work with --aws: it sends mail, and mail to the stack's readers goes out only " +
            "from the stack's functions, never from this machine; import people who already opted in with --confirmed, and " +
            'point the others to the sign-up form',
        );
      }
      const rate = flags.rate ?? undefined;
      const app = await openLocalApp({ ...options, ...(rate ? { sendRate: rate } : {}) });
      try {
        const chosen = rate ?? app.config.delivery.rate;
        const report = await invitePending(
          app.newsletter,
          {
            ...subscriptionDependencies(app),
            // One address's trouble is counted and reported, not logged with its address.
            log: () => {},
          },
          chosen ? { rate: chosen } : {},
        );
        console.log(inviteSummary(report));
        if (report.failed > 0) process.exitCode = 2;
      } finally {
        await app.close();
      }
    });
}

function inviteSummary(r: InviteReport): string {
  return (
    `Invited ${r.invited} pending subscriber${r.invited === 1 ? '' : 's'} (confirmation mail sent); ` +
    `${r.recentlyInvited} already invited within the re-send window, ${r.suppressed} suppressed, ${r.failed} failed.` +
    (r.waiting > 0
      ? ` ${r.waiting} wait${r.waiting === 1 ? 's' : ''} for the next hour: this hour's confirmation budget ` +
        `(signUps.perHour, shared with the sign-up form) is spent; run "npx newsletter subscribers invite" again then.`
      : '') +
    (r.failed > 0 ? ' Run "npx newsletter subscribers invite" again later to retry the failed ones.' : '')
  );
}
