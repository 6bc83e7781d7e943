import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** A `newsletter` command in a child process: how it ended, and all it printed (stdout and stderr in order). */
export interface CliProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * Starts the compiled `newsletter ARGS` in `cwd` with `env`, less the AWS credential variables: the
 * local servers take any key, and a child must never be handed a real one.
 */
export function spawnCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): CliProcess {
  const env = { ...options.env };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[name];
  const child = spawn(process.execPath, [path.resolve('bin/newsletter.js'), ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}
