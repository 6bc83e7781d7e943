import type { Command } from 'commander';

/**
 * The commands the CLI suggests ("run `npx newsletter digest`") must act on the newsletter the
 * operator is working on: a hint printed after `--config other.json` that leaves it out would send
 * the next command to the default config. Every printed line passes through `withGlobalOptions`.
 */

const GLOBAL_OPTIONS = [
  ['--config', 'config'],
  ['--data-dir', 'dataDir'],
  ['--newsletter', 'newsletter'],
] as const;

const COMMANDS = ['digest', 'preview', 'dev', 'keypoints', 'subscribers', 'editions', 'embed'];

/** A suggested command: `npx newsletter CMD`, or `newsletter CMD` right after a quote or backtick. */
const SUGGESTED = new RegExp(`(npx newsletter|(?<=["'\`])newsletter) (?=(?:${COMMANDS.join('|')})\\b)`, 'g');

/** The global options given on the command line (not their defaults), as words to repeat in a hint. */
export function givenGlobalOptions(program: Command): string[] {
  const values = program.opts<Record<string, unknown>>();
  return GLOBAL_OPTIONS.flatMap(([flag, key]) =>
    program.getOptionValueSource(key) === 'cli' && values[key] !== undefined ? [flag, shellWord(String(values[key]))] : [],
  );
}

/**
 * Puts the global options after `newsletter` in every suggested command of the text.
 *
 * @example
 * withGlobalOptions('run "npx newsletter digest"', ['--config', 'weekly.json']);
 * // 'run "npx newsletter --config weekly.json digest"'
 */
export function withGlobalOptions(text: string, options: readonly string[]): string {
  if (options.length === 0) return text;
  const words = options.join(' ');
  return text.replace(SUGGESTED, (command: string) => `${command.trimEnd()} ${words} `);
}

/** A word the shell reads back as it is: quoted when it holds anything beyond the safe characters. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
