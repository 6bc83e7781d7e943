import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import type { Clock } from '../../functions/core/clock.js';
import { main } from '../../functions/cli/main.js';
import { startTestServers, type TestServers } from './local-servers.js';

/** A temporary project for driving the `newsletter` CLI in-process against real local servers. */
export interface CliWorkspace {
  servers: TestServers;
  work: string;
  config: string;
  dataDir: string;
  articles: string;
  out: string;
  /** Runs `newsletter --config … --data-dir … ARGS`; returns the exit code and everything printed. */
  run(...args: string[]): Promise<{ code: number; output: string }>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite and the SES front, points AWS_ENDPOINT_URL_* at them, copies the sample articles
 * and writes a config based on the project's, changed by `configure`.
 */
export async function createCliWorkspace(options: {
  prefix: string;
  configure?: (config: { newsletters: Record<string, unknown>[] }) => void;
  /** The commands' clock (a VirtualClock); the system clock without one. */
  clock?: Clock;
}): Promise<CliWorkspace> {
  const savedEnv = { ...process.env };
  const servers = await startTestServers();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = servers.embedded.endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_SES = servers.embedded.endpoints.ses;
  const work = await mkdtemp(path.join(tmpdir(), options.prefix));
  const articles = path.join(work, 'articles');
  await cp(path.resolve('articles'), articles, { recursive: true });
  const config = path.join(work, 'newsletter.config.json');
  const json = JSON.parse(await readFile('newsletter.config.json', 'utf8')) as { newsletters: Record<string, unknown>[] };
  json.newsletters[0]!.sources = [{ type: 'folder', path: 'articles' }];
  options.configure?.(json);
  await writeFile(config, JSON.stringify(json));
  const dataDir = path.join(work, '.newsletter');

  return {
    servers,
    work,
    config,
    dataDir,
    articles,
    out: path.join(work, 'out'),
    run: (...args) => runCli(['--config', config, '--data-dir', dataDir, ...args], options.clock),
    async stop() {
      process.env = savedEnv;
      await servers.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Runs `newsletter ARGS` in-process; returns the exit code and everything printed (log, warn, stderr). */
export async function runCli(args: string[], clock?: Clock): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const capture = (...parts: unknown[]) => void lines.push(parts.join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(capture);
  const warn = vi.spyOn(console, 'warn').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'newsletter', ...args], clock ? { clock } : {});
    return { code, output: lines.join('\n') };
  } finally {
    log.mockRestore();
    warn.mockRestore();
    stderr.mockRestore();
  }
}
