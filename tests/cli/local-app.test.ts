import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** A local command's start-up as the operator sees it: `node bin/newsletter.js …` on the embedded servers. */
let work: string;
/** The command under test; killed after the test whatever happened, so a hung one does not outlive it. */
let child: ChildProcess | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'newsletter-local-app-'));
});

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('openLocalApp', () => {
  it('stops with one line and a non-zero code on a refused token key, leaving no server running', async () => {
    const dataDir = path.join(work, '.newsletter');
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'token-key'), Buffer.alloc(16, 7).toString('base64'), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT_URL')) delete env[key];
    child = spawn(
      process.execPath,
      [path.resolve('bin/newsletter.js'), '--config', path.resolve('newsletter.config.json'), '--data-dir', dataDir, 'subscribers', 'list'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // Servers left running would keep the process alive: it would never exit, and the test would time out.
    const running = child;
    const exited = new Promise<number | null>((resolve) => running.on('exit', (code) => resolve(code)));
    expect(await exited).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `newsletter: token key from ${path.join(dataDir, 'token-key')} has 16 bytes, fewer than the 32 needed: restore ` +
        `the file from a backup, or delete it to generate a new key (links in mail already sent stop working)`,
    ]);
  }, 30_000);
});
