import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { exitQuietlyOnBrokenPipe, main } from '../../functions/cli/main.js';

/** The `newsletter` command itself: version, help with examples, and a reader that stops reading. */

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
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
