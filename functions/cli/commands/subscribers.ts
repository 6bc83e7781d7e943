import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Option, type Command } from 'commander';
import { checkEmail } from '../../core/email-address.js';
import { NewsletterError } from '../../core/errors.js';
import type { SubscriberStatus } from '../../core/subscriber.js';
import {
  addToList,
  describeLeft,
  liftSuppression,
  listSubscribers,
  removeFromList,
  type ListDependencies,
  type ListReadDependencies,
} from '../../use-cases/manage-list.js';
import { listDependencies, listDependenciesWith } from '../../wiring/subscriptions.js';
import { openAwsApp, wantsAws, type AwsTargetOptions } from '../aws-app.js';
import { openLocalApp, type GlobalOptions } from '../local-app.js';
import { csvField } from '../subscriber-csv.js';
import { registerInviteCommand } from './subscribers-invite.js';
import { describeImport, importSubscriberCsv } from '../subscribers-import.js';
import { printable, printableJson } from '../terminal-text.js';

const STATUSES: SubscriberStatus[] = ['pending', 'confirmed', 'unsubscribed'];

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('manage the list of the chosen newsletter; with --aws, the list of the deployed stack')
    .option(
      '--aws',
      'act on the deployed stack (AWS credential chain and region; the table from the stack outputs or ' +
        'NEWSLETTER_TABLE; add, import, remove and unsuppress also read the token secret)',
    )
    .option('--stack <name>', 'the deployed stack to act on (implies --aws; default KeypointsNewsletter)');

  subscribers
    .command('add')
    .description('add a confirmed subscriber (you vouch for their consent); never someone who unsubscribed, was erased or is suppressed')
    .argument('<email>')
    .option('--name <name>', "the subscriber's name")
    .addHelpText('after', '\nExample:\n  $ npx newsletter subscribers add ana@example.com --name "Ana Lima"')
    .action(async (email: string, flags: { name?: string }, command: Command) => {
      await onList(command, async (list) => {
        const checked = checkEmail(email);
        if (!checked.ok) throw new NewsletterError(`"${printable(email.slice(0, 80))}" is not a usable address: ${checked.reason}`);
        const shown = printable(checked.email);
        const [result] = await addToList(await list.write(), list.newsletterId, [{ email: checked.email, ...(flags.name ? { name: flags.name } : {}) }], {
          confirmed: true,
          source: 'added with the newsletter CLI',
        });
        switch (result!.outcome) {
          case 'added':
            return void console.log(`Added ${shown} to ${list.name} (confirmed).`);
          case 'updated':
            return void console.log(`${shown} was already on ${list.name}; now confirmed${flags.name ? ` as "${printable(flags.name)}"` : ''}.`);
          case 'unchanged':
            return void console.log(`${shown} is already on ${list.name} (confirmed): nothing changed.`);
          case 'left':
            throw new NewsletterError(`${shown} was not added to ${list.name}: ${list.hint(describeLeft(result!.reason))}`);
        }
      });
    });

  subscribers
    .command('import')
    .description('import subscribers from a CSV export (Mailchimp, Substack, Buttondown, listmonk or any file with an email column); skips whoever left')
    .argument('<csv>')
    .option('--confirmed', 'the people in the file have already opted in; without it they are imported as pending')
    .option('--email-column <name>', 'the column holding the address (default: "email", "Email Address", …)')
    .option('--name-column <name>', 'the column holding the name (default: "name", or "First Name" + "Last Name")')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter subscribers import mailchimp-export.csv --confirmed\n' +
        '  $ npx newsletter subscribers import list.csv --email-column "E-mail" --name-column "Full name"',
    )
    .action(async (file: string, flags: { confirmed?: boolean; emailColumn?: string; nameColumn?: string }, command: Command) => {
      await onList(command, async (list) => {
        const counts = await importSubscriberCsv(await list.write(), list.newsletterId, file, {
          confirmed: Boolean(flags.confirmed),
          ...(flags.emailColumn !== undefined ? { emailColumn: flags.emailColumn } : {}),
          ...(flags.nameColumn !== undefined ? { nameColumn: flags.nameColumn } : {}),
          warn: (line) => console.warn(list.hint(line)),
          onProgress: importProgress(),
        });
        console.log(describeImport(counts, Boolean(flags.confirmed)));
      });
    });

  subscribers
    .command('list')
    .description('list subscribers with their status and dates, and the count per status')
    .option('--json', 'print JSON (one array)')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .addHelpText('after', '\nExamples:\n  $ npx newsletter subscribers list --status confirmed\n  $ npx newsletter subscribers list --aws')
    .action(async (flags: { json?: boolean; status?: SubscriberStatus }, command: Command) => {
      await onList(command, async (list) => {
        const counts: Record<SubscriberStatus, number> = { pending: 0, confirmed: 0, unsubscribed: 0 };
        let suppressed = 0;
        const rows: string[][] = [];
        const json: Record<string, unknown>[] = [];
        for await (const { subscriber: s, suppression } of listSubscribers(list.read, list.newsletterId, flags.status)) {
          counts[s.status]++;
          if (suppression) suppressed++;
          if (flags.json) {
            const { id, email, name, status, createdAt, confirmedAt, unsubscribedAt } = s;
            json.push({
              id,
              email,
              name,
              status,
              createdAt,
              confirmedAt,
              unsubscribedAt,
              ...(suppression ? { suppressed: { reason: suppression.reason, at: suppression.at } } : {}),
            });
          } else {
            const since = s.status === 'confirmed' ? s.confirmedAt : s.status === 'unsubscribed' ? s.unsubscribedAt : s.createdAt;
            rows.push([
              printable(s.email),
              suppression ? `${s.status}, suppressed (${printable(suppression.reason)})` : s.status,
              day(since),
              day(s.createdAt),
              printable(s.name ?? ''),
            ]);
          }
        }
        if (flags.json) return void console.log(printableJson(json));
        if (rows.length > 0) for (const line of table(['EMAIL', 'STATUS', 'SINCE', 'ADDED', 'NAME'], rows)) console.log(line);
        const total = rows.length;
        const per = (flags.status ? [flags.status] : STATUSES).map((s) => `${counts[s]} ${s}`).join(', ');
        console.log(`${total} subscriber${total === 1 ? '' : 's'} on ${list.name}: ${per}${suppressed ? ` (${suppressed} suppressed: never mailed)` : ''}`);
      });
    });

  subscribers
    .command('export')
    .description('write the list to a CSV file (email, name, status, dates) that `subscribers import` reads back')
    .argument('<csv>')
    .addOption(new Option('--status <status>', 'only this status').choices(STATUSES))
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter subscribers export list.csv --status confirmed\n  $ npx newsletter subscribers export list.csv --aws',
    )
    .action(async (file: string, flags: { status?: SubscriberStatus }, command: Command) => {
      await onList(command, async (list) => {
        const out = createWriteStream(file);
        const failed = once(out, 'error').then(([error]) => {
          throw new NewsletterError(`${file} could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path`, { cause: error });
        });
        const write = async (fields: (string | undefined)[]) => {
          if (!out.write(`${fields.map(csvField).join(',')}\r\n`)) await Promise.race([once(out, 'drain'), failed]);
        };
        let n = 0;
        try {
          await Promise.race([write(['email', 'name', 'status', 'created_at', 'confirmed_at', 'unsubscribed_at', 'suppressed']), failed]);
          for await (const { subscriber: s, suppression } of listSubscribers(list.read, list.newsletterId, flags.status)) {
            await write([s.email, s.name, s.status, s.createdAt, s.confirmedAt, s.unsubscribedAt, suppression?.reason]);
            n++;
          }
          out.end();
          await Promise.race([once(out, 'finish'), failed]);
        } finally {
          out.destroy();
        }
        console.log(`Exported ${n} subscriber${n === 1 ? '' : 's'} of ${list.name} to ${file}.`);
      });
    });

  subscribers
    .command('remove')
    .description('unsubscribe an address (kept as unsubscribed so an import cannot add it back)')
    .argument('<email>')
    .addHelpText('after', '\nExamples:\n  $ npx newsletter subscribers remove ana@example.com\n  $ npx newsletter subscribers remove ana@example.com --aws')
    .action(async (email: string, _flags: unknown, command: Command) => {
      await onList(command, async (list) => {
        const shown = printable(email);
        const result = await removeFromList(await list.write(), list.newsletterId, email);
        if (result.outcome === 'not-on-list') throw new NewsletterError(`${shown} is not on ${list.name}: nothing to remove`);
        if (result.outcome === 'already-left')
          return void console.log(`${shown} already left ${list.name}${result.at ? ` on ${day(result.at)}` : ''}: nothing to remove.`);
        console.log(`Removed ${shown} from ${list.name}.`);
      });
    });

  subscribers
    .command('unsuppress')
    .description('lift the suppression of an address after a bounce or complaint, on your word that it works again (not an erasure)')
    .argument('<email>')
    .addHelpText('after', '\nExample:\n  $ npx newsletter subscribers unsuppress ana@example.com')
    .action(async (email: string, _flags: unknown, command: Command) => {
      await onList(command, async (list) => {
        const shown = printable(email);
        const result = await liftSuppression(await list.write(), list.newsletterId, email);
        if (result.outcome === 'not-suppressed') throw new NewsletterError(`${shown} is not suppressed: nothing to lift`);
        if (result.outcome === 'erased')
          throw new NewsletterError(`${shown} was ${describeLeft({ kind: 'erased', at: result.at })}: an erasure cannot be lifted`);
        console.log(
          `Lifted the suppression of ${shown} (was: ${printable(result.was.reason)} on ${day(result.was.at)}).` +
            (result.status === 'confirmed'
              ? ' It gets the next edition.'
              : ` It is ${result.status ?? 'not on the list'}: add it with ${list.hint('"newsletter subscribers add"')}.`),
        );
      });
    });
  registerInviteCommand(subscribers);
}

/** The list a command acts on: this machine's, or the deployed stack's (--aws / --stack). */
interface ListTarget {
  newsletterId: string;
  /** How messages name the list: the newsletter id, and the stack on AWS. */
  name: string;
  /** Listing and export: no key needed. */
  read: ListReadDependencies;
  /** Adding, removing and lifting key subscriber ids: on AWS this reads the token secret. */
  write(): Promise<ListDependencies>;
  /** Puts --aws / --stack into the commands a message suggests, so a copied command acts on the same list. */
  hint(text: string): string;
}

/** Runs the work on the deployed stack's list (--aws / --stack) or on this machine's, and closes what it opened. */
async function onList(command: Command, work: (list: ListTarget) => Promise<void>): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions & AwsTargetOptions>();
  if (wantsAws(options)) {
    const app = await openAwsApp(options);
    const flags = options.stack ? `--stack ${options.stack}` : '--aws';
    try {
      await work({
        newsletterId: app.newsletter.id,
        name: `${app.newsletter.id} of stack ${app.target.stackName}`,
        read: app,
        write: async () => listDependenciesWith(app, await app.subscriberIds()),
        hint: (text) => text.replace(/(newsletter subscribers (?:add|unsuppress)(?: EMAIL)?)/gu, `$1 ${flags}`),
      });
    } finally {
      await app.close();
    }
    return;
  }
  const app = await openLocalApp(options);
  try {
    const deps = listDependencies(app);
    await work({ newsletterId: app.newsletter.id, name: app.newsletter.id, read: deps, write: async () => deps, hint: (text) => text });
  } finally {
    await app.close();
  }
}

/** A progress line on stderr every 1,000 rows, so a long import is visibly moving. */
function importProgress(): (counts: { rows: number; added: number; updated: number; unchanged: number }) => void {
  let next = 1000;
  return (counts) => {
    if (counts.rows < next) return;
    process.stderr.write(`importing: ${counts.rows} rows read (${counts.added} new, ${counts.updated} updated, ${counts.unchanged} unchanged)\n`);
    next = (Math.floor(counts.rows / 1000) + 1) * 1000;
  };
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '-';
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
