import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exitQuietlyOnBrokenPipe, main } from '../../functions/cli/main.js';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

/** The `newsletter` command itself: version, help with examples, and a reader that stops reading. */

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'newsletter', ...args]);
    return { code, output: written.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('newsletter --version', () => {
  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await run('--version')).toEqual({ code: 0, output: `${version}\n` });
  });
});

describe('newsletter --help', () => {
  it('gives an example for every command', async () => {
    const top = await run('--help');
    expect(top.code).toBe(0);
    expect(top.output).toContain('Examples:\n  $ npx newsletter digest');
    const commands = [
      ['digest'],
      ['preview'],
      ['keypoints'],
      ['dev'],
      ['subscribers', 'add'],
      ['subscribers', 'import'],
      ['subscribers', 'list'],
      ['subscribers', 'export'],
      ['subscribers', 'remove'],
      ['subscribers', 'unsuppress'],
      ['editions', 'list'],
      ['editions', 'show'],
      ['editions', 'resume'],
      ['editions', 'resend'],
    ];
    for (const command of commands) {
      const { code, output } = await run(...command, '--help');
      expect(code, command.join(' ')).toBe(0);
      expect(output, command.join(' ')).toMatch(new RegExp(`Examples?:\\n  \\$ npx newsletter (--newsletter \\S+ )?${command.join(' ')}`));
    }
  });
});

describe('a closed output pipe', () => {
  it('ends the command quietly with exit code 0 (newsletter … | head)', async () => {
    const child = spawn(process.execPath, ['bin/newsletter.js', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the command writes: its first write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('passes on any other output error', () => {
    const stream = new EventEmitter();
    const exit = vi.fn();
    exitQuietlyOnBrokenPipe(stream, exit);
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exit).toHaveBeenCalledWith(0);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow('disk full');
  });
});

describe('newsletter, with a project', () => {
  let ws: CliWorkspace;

  beforeAll(async () => {
    ws = await createCliWorkspace({ prefix: 'newsletter-main-' });
  });

  afterAll(async () => ws?.stop());

  /** Runs the command, also capturing what commander writes straight to stdout (help). */
  async function runCapturingStdout(...args: string[]): Promise<{ code: number; output: string }> {
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const result = await ws.run(...args);
      return { code: result.code, output: written.join('') + result.output };
    } finally {
      stdout.mockRestore();
    }
  }

  it('fails with exit code 1 and a one-line reason naming an unknown --newsletter', async () => {
    const { code, output } = await ws.run('--newsletter', 'no-such-letter', 'subscribers', 'list');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^newsletter: newsletter "no-such-letter" is not in .*: use one of ai-talent$/);
  });

  it('repeats the global options in use in every command it suggests, so a copied hint acts on the same newsletter', async () => {
    const globals = `--config ${ws.config} --data-dir ${ws.dataDir} --newsletter ai-talent`;
    const empty = await ws.run('--newsletter', 'ai-talent', 'editions', 'list');
    expect(empty.output).toBe(`No editions of ai-talent yet: run "npx newsletter ${globals} digest".`);
    const missing = await ws.run('--newsletter', 'ai-talent', 'editions', 'resume', 'ai-talent-2026-03-02-00000000');
    expect(missing.code).toBe(1);
    expect(missing.output).toContain(`see "npx newsletter ${globals} editions list"`);
  });

  it('prints the usage of digest on --help and exits 0', async () => {
    const { code, output } = await runCapturingStdout('digest', '--help');
    expect(code).toBe(0);
    expect(output).toContain('Usage: newsletter digest [options]');
    for (const option of ['--articles <dir>', '--out <dir>', '--dry-run', '--force', '--rate <n>']) expect(output).toContain(option);
    expect(ws.servers.embedded.ses!.messages).toHaveLength(0);
  });
});
