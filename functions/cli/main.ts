import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Clock } from '../core/clock.js';
import { NewsletterError } from '../core/errors.js';
import { registerDigestCommands } from './commands/digest.js';
import { registerKeypointsCommand } from './commands/keypoints.js';
import { registerSubscriberCommands } from './commands/subscribers.js';
import { registerEditionCommands } from './commands/editions.js';
import { registerDevCommand } from './commands/dev.js';
import { registerEmbedCommand } from './commands/embed.js';
import { givenGlobalOptions, withGlobalOptions } from './hints.js';

/** What a caller may give every command besides the arguments: a test's clock. */
export interface ProgramServices {
  clock?: Clock;
}

/** Builds the `newsletter` command. Kept separate from `main` so tests can drive it. */
export function createProgram(services: ProgramServices = {}): Command {
  const program = new Command('newsletter')
    .description('Key-point newsletter: collect articles, extract key points, render one MJML digest and send it through SES.')
    .option('--config <file>', 'configuration file', 'newsletter.config.json')
    .option('--data-dir <dir>', 'local state (embedded DynamoDB, signing key)', '.newsletter')
    .option('--newsletter <id>', 'which newsletter of the config (default: the first)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ npx newsletter digest                              build and send the edition (first run: to a demo reader)',
        '  $ npx newsletter preview                             render the edition into out/ without sending',
        '  $ npx newsletter dev                                 sign-up page, API and schedules on this machine',
        '  $ npx newsletter subscribers import list.csv --confirmed',
        '  $ npx newsletter --newsletter weekly-en editions list',
        '',
        'Each command has its own --help with an example.',
      ].join('\n'),
    )
    .exitOverride();
  // Not a flag: every command reads it with its global options (`GlobalOptions.clock`).
  if (services.clock) program.setOptionValue('clock', services.clock);
  registerDigestCommands(program);
  registerKeypointsCommand(program);
  registerSubscriberCommands(program);
  registerEditionCommands(program);
  registerDevCommand(program);
  registerEmbedCommand(program);
  return program;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * `newsletter editions list | head` closes the pipe early; the next write fails with EPIPE. That is
 * the reader saying "enough", not an error: exit quietly instead of printing a stack trace.
 */
export function exitQuietlyOnBrokenPipe(stream: NodeJS.EventEmitter, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else throw error;
  });
}

/** Runs the command line; returns the exit code. Failures print one line saying what to do. */
export async function main(argv: string[], services: ProgramServices = {}): Promise<number> {
  const program = createProgram(services);
  let globals: string[] = [];
  const printers = { log: console.log, warn: console.warn, error: console.error };
  // Once the options are parsed, every line the command prints repeats them in the commands it suggests.
  program.hook('preAction', () => {
    globals = givenGlobalOptions(program);
    if (globals.length === 0) return;
    for (const name of ['log', 'warn', 'error'] as const) {
      const print = printers[name];
      console[name] = (...parts: unknown[]) => print(...parts.map((part) => (typeof part === 'string' ? withGlobalOptions(part, globals) : part)));
    }
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof NewsletterError || error instanceof InvalidArgumentError ? error.message : `${(error as Error).message ?? String(error)}`;
    process.stderr.write(`newsletter: ${withGlobalOptions(message, globals)}\n`);
    if (process.env.NEWSLETTER_DEBUG) console.error(error);
    return 1;
  } finally {
    Object.assign(console, printers);
  }
}
