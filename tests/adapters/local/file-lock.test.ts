import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../functions/adapters/local/file-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'newsletter-lock-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** A process that adds 1 to the number in `counter` `times` times, each a read and a later write under the lock. */
function adder(lock: string, counter: string, times: number): Promise<number | null> {
  const module = pathToFileURL(path.resolve('functions/adapters/local/file-lock.ts')).href;
  const script = `
    const { withFileLock } = await import(${JSON.stringify(module)});
    const { readFile, writeFile } = await import('node:fs/promises');
    for (let i = 0; i < ${times}; i++) {
      await withFileLock(${JSON.stringify(lock)}, async () => {
        const n = Number(await readFile(${JSON.stringify(counter)}, 'utf8'));
        await new Promise((resolve) => setImmediate(resolve));
        await writeFile(${JSON.stringify(counter)}, String(n + 1));
      });
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('withFileLock', () => {
  it('lets one process at a time in: three processes adding 30 each lose no addition', async () => {
    const lock = path.join(dir, 'counter.lock');
    const counter = path.join(dir, 'counter');
    await writeFile(counter, '0');
    const codes = await Promise.all([adder(lock, counter, 30), adder(lock, counter, 30), adder(lock, counter, 30)]);
    expect(codes).toEqual([0, 0, 0]);
    expect(await readFile(counter, 'utf8')).toBe('90');
    expect(existsSync(lock)).toBe(false);
  }, 120_000);

  it('lets callers in one process take turns', async () => {
    const lock = path.join(dir, 'turns.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withFileLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('gives up on a lock held by a live process with a one-line message naming the file and what to do', async () => {
    const lock = path.join(dir, 'held.lock');
    // This test process is alive: its id in the file is a lock that is really held.
    await writeFile(lock, `${process.pid}:other`);
    await expect(withFileLock(lock, async () => {}, { waitMs: 200 })).rejects.toThrow(
      new RegExp(`^${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is held by process ${process.pid} .*delete the file and try again$`),
    );
  });
});
