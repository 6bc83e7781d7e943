import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The README's quick start as a newcomer runs it: `node bin/newsletter.js digest` in a copy of the
 * project's config and articles, with no AWS_ENDPOINT_URL_* set, so the command starts its own
 * embedded dynalite and SES and keeps its state under the data dir.
 */
const bin = path.resolve('bin/newsletter.js');
const HEADLINE = '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級';
let work: string;
let dataDir: string;

/** The parent's environment without any endpoint that would bypass the embedded servers. */
function embeddedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT_URL')) delete env[key];
  delete env.NEWSLETTER_TABLE;
  return env;
}

function start(...args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, ...args], { cwd: work, env: embeddedEnv() });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function newsletter(...args: string[]): Promise<{ code: number | null; output: string }> {
  const run = start(...args);
  const code = await run.exited;
  return { code, output: run.output() };
}

// Each test has its own copy of the project and its own data dir.
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'newsletter-quick-start-'));
  await cp('newsletter.config.json', path.join(work, 'newsletter.config.json'));
  await cp('articles', path.join(work, 'articles'), { recursive: true });
  dataDir = path.join(work, '.newsletter');
});

afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('newsletter digest on the embedded servers', () => {
  it('sends the first edition, then says there is nothing new, keeping its state in the data dir', async () => {
    const first = await newsletter('digest');
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('Embedded servers: DynamoDB http://127.0.0.1:');
    expect(first.output).toContain(HEADLINE);
    expect(first.output).toMatch(/Sent 1 message \(/);
    const [edition, ...others] = await readdir(path.join(work, 'out'));
    expect(others).toEqual([]);
    const files = await readdir(path.join(work, 'out', edition!));
    expect(files).toEqual(expect.arrayContaining(['digest.html', 'last-message.eml']));
    expect(await readFile(path.join(work, 'out', edition!, 'last-message.eml'), 'utf8')).toMatch(/^To: .*reader@example\.com/m);
    expect(existsSync(path.join(dataDir, 'dynamodb'))).toBe(true);

    const second = await newsletter('digest');
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('Nothing new');
    expect(second.output).not.toMatch(/Sent \d+ message/);
  }, 90_000);

  it('shares the servers of a running `newsletter dev` on the same data dir', async () => {
    const dev = start('dev', '--port', '0', '--no-schedule');
    try {
      await vi.waitFor(() => expect(dev.output()).toContain('Press Ctrl+C to stop.'), { timeout: 20_000, interval: 50 });
      const forced = await newsletter('digest', '--force');
      expect(forced.code, forced.output).toBe(0);
      expect(forced.output).toContain('Using the local servers of another newsletter command');
      expect(forced.output).toMatch(/Sent 1 message \(/);
    } finally {
      dev.child.kill('SIGTERM');
    }
    expect(await dev.exited, dev.output()).toBe(0);
    expect(dev.output()).toContain('Stopped.');
  }, 90_000);
});
