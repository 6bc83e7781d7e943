import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Clock } from '../core/clock.js';
import { NewsletterError } from '../core/errors.js';
import { packageRoot } from '../../templates/bundled-folder.js';
import { givenGlobalOptions, withGlobalOptions } from './hints.js';

/** What a caller may give every command besides the arguments: a test's clock. */
export interface ProgramServices {
  clock?: Clock;
}

type Register = (program: Command) => void;

/**
 * Each command's module and the top-level commands it registers, in help order. A module is loaded
 * only when one of its commands runs (all of them for the overall help): loading every command's
 * dependencies (MJML, the AWS SDK, the embedded servers) cost over a second of CPU per run.
 */
const COMMAND_MODULES: Array<{ commands: string[]; load: () => Promise<Register> }> = [
  { commands: ['digest', 'preview'], load: async () => (await import('./commands/digest.js')).registerDigestCommands },
  { commands: ['keypoints'], load: async () => (await import('./commands/keypoints.js')).registerKeypointsCommand },
  { commands: ['subscribers'], load: async () => (await import('./commands/subscribers.js')).registerSubscriberCommands },
  { commands: ['editions'], load: async () => (await import('./commands/editions.js')).registerEditionCommands },
  { commands: ['dev'], load: async () => (await import('./commands/dev.js')).registerDevCommand },
  { commands: ['embed'], load: async () => (await import('./commands/embed.js')).registerEmbedCommand },
];

/**
 * The command the arguments name: the first word that is neither a global option nor its value.
 * Undefined for none (`--version`, `--help`); then no command module is needed but for the help.
 */
function commandWord(program: Command, args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) return arg;
    const option = program.options.find((o) => o.long === arg || o.short === arg);
    if (option && (option.required || option.optional) && !arg.includes('=')) i++;
  }
  return undefined;
}

/** The modules to load for these arguments: the named command's, or all of them for help and unknown words. */
async function commandRegistrars(program: Command, args: string[]): Promise<Register[]> {
  const word = commandWord(program, args);
  const asksForVersion = args.some((arg) => arg === '-V' || arg === '--version');
  if (word === undefined && asksForVersion) return [];
  const own = COMMAND_MODULES.find((m) => word !== undefined && m.commands.includes(word));
  return Promise.all((own ? [own] : COMMAND_MODULES).map((m) => m.load()));
}

/** Builds the `newsletter` command with the commands `argv` needs. Kept separate from `main` so tests can drive it. */
export async function createProgram(argv: string[], services: ProgramServices = {}): Promise<Command> {
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
  for (const register of await commandRegistrars(program, argv.slice(2))) register(program);
  return program;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
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
  const program = await createProgram(argv, services);
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
