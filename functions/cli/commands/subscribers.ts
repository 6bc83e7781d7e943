import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse';
import { checkEmail } from '../../core/email-address.js';
import { NewsletterError } from '../../core/errors.js';
import { subscriberId, type Subscriber } from '../../core/subscriber.js';
import { openLocalApp, type GlobalOptions, type LocalApp } from '../local-app.js';

export function registerSubscriberCommands(program: Command): void {
  const subscribers = program.command('subscribers').description('manage the list of the chosen newsletter');

  subscribers
    .command('add')
    .description('add a confirmed subscriber (you vouch for their consent)')
    .argument('<email>')
    .option('--name <name>', "the subscriber's name")
    .action(async (email: string, flags: { name?: string }, command: Command) => {
      await withApp(command, async (app) => {
        const outcome = await addSubscriber(app, email, { ...(flags.name ? { name: flags.name } : {}), confirmed: true, source: 'added with the newsletter CLI' });
        console.log(outcome === 'added' ? `Added ${email} to ${app.newsletter.id} (confirmed).` : `${email} was already on ${app.newsletter.id}; now confirmed.`);
      });
    });

  subscribers
    .command('import')
    .description('import subscribers from a CSV file with an "email" column (and optional "name")')
    .argument('<csv>')
    .option('--confirmed', 'the people in the file have already opted in; without it they are imported as pending')
    .action(async (file: string, flags: { confirmed?: boolean }, command: Command) => {
      await withApp(command, async (app) => {
        const counts = { added: 0, updated: 0, invalid: 0 };
        const parser = createReadStream(file).pipe(
          parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, skip_empty_lines: true, trim: true, info: true }),
        );
        let line = 1;
        try {
          for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
            // The parser's own count, so blank lines and quoted line breaks do not shift the reported line.
            line = info.lines;
            if (!('email' in record)) throw new NewsletterError(`${file} has no "email" column: the first line must name the columns, e.g. email,name`);
            const checked = checkEmail(record.email);
            if (!checked.ok) {
              counts.invalid++;
              console.warn(`${file} line ${line}: skipped: ${checked.reason}`);
              continue;
            }
            const outcome = await addSubscriber(app, checked.email, {
              ...(record.name ? { name: record.name } : {}),
              confirmed: Boolean(flags.confirmed),
              source: `imported from ${file}`,
            });
            counts[outcome]++;
          }
        } catch (error) {
          if (error instanceof NewsletterError) throw error;
          throw new NewsletterError(`${file} could not be read as CSV near line ${line}: ${(error as Error).message}`, { cause: error });
        }
        console.log(`Imported ${counts.added} new, updated ${counts.updated}, skipped ${counts.invalid} invalid (${flags.confirmed ? 'confirmed' : 'pending'}).`);
      });
    });

  subscribers
    .command('list')
    .description('list subscribers')
    .option('--json', 'print JSON (one array)')
    .option('--status <status>', 'only pending, confirmed or unsubscribed')
    .action(async (flags: { json?: boolean; status?: Subscriber['status'] }, command: Command) => {
      await withApp(command, async (app) => {
        const all: Subscriber[] = [];
        let cursor: string | undefined;
        do {
          const page = await app.subscribers.list(app.newsletter.id, { limit: 500, ...(cursor ? { cursor } : {}), ...(flags.status ? { status: flags.status } : {}) });
          all.push(...page.subscribers);
          cursor = page.cursor;
        } while (cursor);
        if (flags.json) {
          console.log(JSON.stringify(all.map(({ id, email, name, status, createdAt, confirmedAt }) => ({ id, email, name, status, createdAt, confirmedAt })), null, 2));
          return;
        }
        for (const s of all) console.log(`${s.email}\t${s.status}${s.name ? `\t${s.name}` : ''}`);
        console.log(`${all.length} subscriber(s)`);
      });
    });

  subscribers
    .command('remove')
    .description('unsubscribe an address (kept as unsubscribed so an import cannot add it back by mistake)')
    .argument('<email>')
    .action(async (email: string, _flags: unknown, command: Command) => {
      await withApp(command, async (app) => {
        const id = subscriberId(app.tokenKey, email);
        const existing = await app.subscribers.get(app.newsletter.id, id);
        if (!existing) throw new NewsletterError(`${email} is not on ${app.newsletter.id}: nothing to remove`);
        await app.subscribers.update(app.newsletter.id, id, { status: 'unsubscribed', unsubscribedAt: new Date().toISOString() });
        console.log(`Removed ${email} from ${app.newsletter.id}.`);
      });
    });
}

async function withApp(command: Command, work: (app: LocalApp) => Promise<void>): Promise<void> {
  const app = await openLocalApp(command.optsWithGlobals<GlobalOptions>());
  try {
    await work(app);
  } finally {
    await app.close();
  }
}

/** Adds or re-confirms one subscriber; an unsubscribed address is only re-activated by a confirmed add. */
async function addSubscriber(app: LocalApp, email: string, options: { name?: string; confirmed: boolean; source: string }): Promise<'added' | 'updated'> {
  const checked = checkEmail(email);
  if (!checked.ok) throw new NewsletterError(`"${email.slice(0, 80)}" is not a usable address: ${checked.reason}`);
  const now = new Date().toISOString();
  const subscriber: Subscriber = {
    id: subscriberId(app.tokenKey, checked.email),
    newsletterId: app.newsletter.id,
    email: checked.email,
    ...(options.name ? { name: options.name } : {}),
    status: options.confirmed ? 'confirmed' : 'pending',
    createdAt: now,
    ...(options.confirmed ? { confirmedAt: now } : {}),
    consent: { at: now, source: options.source },
  };
  if (await app.subscribers.putIfAbsent(subscriber)) return 'added';
  if (options.confirmed) await app.subscribers.update(app.newsletter.id, subscriber.id, { status: 'confirmed', confirmedAt: now, ...(options.name ? { name: options.name } : {}) });
  return 'updated';
}
