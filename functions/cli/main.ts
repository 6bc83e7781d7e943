import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { NewsletterError } from '../core/errors.js';
import { registerDigestCommands } from './commands/digest.js';
import { registerKeypointsCommand } from './commands/keypoints.js';
import { registerSubscriberCommands } from './commands/subscribers.js';
import { registerEditionCommands } from './commands/editions.js';
import { registerDevCommand } from './commands/dev.js';

/** Builds the `newsletter` command. Kept separate from `main` so tests can drive it. */
export function createProgram(): Command {
  const program = new Command('newsletter')
    .description('Key-point newsletter: collect articles, extract key points, render one MJML digest and send it through SES.')
    .option('--config <file>', 'configuration file', 'newsletter.config.json')
    .option('--data-dir <dir>', 'local state (embedded DynamoDB, signing key)', '.newsletter')
    .option('--newsletter <id>', 'which newsletter of the config (default: the first)')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerDigestCommands(program);
  registerKeypointsCommand(program);
  registerSubscriberCommands(program);
  registerEditionCommands(program);
  registerDevCommand(program);
  return program;
}

/** Runs the command line; returns the exit code. Failures print one line saying what to do. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof NewsletterError || error instanceof InvalidArgumentError ? error.message : `${(error as Error).message ?? String(error)}`;
    process.stderr.write(`newsletter: ${message}\n`);
    if (process.env.NEWSLETTER_DEBUG) console.error(error);
    return 1;
  }
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a positive number`);
  return n;
}

export function positiveInteger(value: string): number {
  const n = positiveNumber(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}
