import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { StoreError } from '../../core/errors.js';
import { isAlive } from './process-alive.js';

/** A lock file that a crash left behind empty (between creating and writing it) is stale after this long. */
const EMPTY_STALE_MS = 10_000;

/**
 * Runs `work` holding `file`: created exclusively (O_EXCL) with this process's id in it, removed
 * after. Another process waits its turn; a file left by a process that no longer runs (kill -9) is
 * taken over at once. For work of seconds (starting or stopping servers), across processes on one
 * machine, and across callers within one process.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>, options: { waitMs?: number } = {}): Promise<T> {
  const token = `${process.pid}:${randomUUID()}`;
  const waitMs = options.waitMs ?? 120_000;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(file, token)) break;
    const holder = await readFile(file, 'utf8').catch(() => undefined);
    if (holder !== undefined && (await stale(file, holder))) {
      await takeOver(file, holder);
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw new StoreError(
        `${file} is held by process ${holder?.split(':')[0] || 'unknown'} for more than ${Math.round(waitMs / 1000)} ` +
          `s: if no newsletter command is running, delete the file and try again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, 20 * 2 ** Math.min(attempt, 4)) + Math.random() * 20));
  }
  try {
    return await work();
  } finally {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === token) await rm(file, { force: true });
  }
}

async function tryCreate(file: string, token: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx');
    try {
      await handle.writeFile(token);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function stale(file: string, holder: string): Promise<boolean> {
  if (holder === '') {
    const info = await stat(file).catch(() => undefined);
    return info !== undefined && Date.now() - info.mtimeMs > EMPTY_STALE_MS;
  }
  const pid = Number(holder.split(':')[0]);
  return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
}

/**
 * Moves a dead holder's file aside (a rename: one of several waiters wins) and removes it if it is
 * still the dead holder's. A waiter that read the file before another took it over, and so moved
 * the new holder's file, puts it back.
 */
async function takeOver(file: string, holder: string): Promise<void> {
  const aside = `${file}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  // A link, not a rename, puts it back: it never replaces a lock file created meanwhile.
  if (moved !== holder) await link(aside, file).catch(() => {});
  await rm(aside, { force: true });
}
