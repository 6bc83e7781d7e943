import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmbeddedServers } from '../../../functions/adapters/local/embedded-servers.js';

/** The id of a process that has ended: what kill -9 leaves in the files it wrote. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(run.stdout);
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-embedded-'));
});
afterEach(async () => rm(dataDir, { recursive: true, force: true }));

const state = async () => JSON.parse(await readFile(path.join(dataDir, 'servers.json'), 'utf8')) as { pid: number; users: string[] };

describe('startEmbeddedServers', () => {
  it('starts afresh over the servers.json and lock file of a killed command, and leaves neither behind', async () => {
    const dead = deadPid();
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      path.join(dataDir, 'servers.json'),
      JSON.stringify({ pid: dead, endpoints: { dynamodb: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' }, users: [`${dead}:aaaaaaaa`] }),
    );
    await writeFile(path.join(dataDir, 'servers.lock'), `${dead}:stale`);

    const servers = await startEmbeddedServers({ dataDir });
    try {
      expect(servers.owned).toBe(true);
      expect(servers.endpoints.dynamodb).not.toBe('http://127.0.0.1:9');
      expect((await state()).pid).toBe(process.pid);
      expect(existsSync(path.join(dataDir, 'servers.lock'))).toBe(false);
    } finally {
      await servers.close();
    }
    expect(existsSync(path.join(dataDir, 'servers.json'))).toBe(false);
  }, 60_000);

  it('keeps the servers up while a command that joined still uses them, and stops them when it leaves', async () => {
    const told: number[] = [];
    const first = await startEmbeddedServers({ dataDir, onWaitForOthers: (others) => told.push(others) });
    const joined = await startEmbeddedServers({ dataDir });
    expect(joined).toMatchObject({ owned: false, endpoints: first.endpoints });
    expect((await state()).users).toHaveLength(2);
    let stopped = false;
    const stopping = first.close().then(() => (stopped = true));

    // The starter is done, the other is not: the servers still answer it.
    await expect.poll(() => told, { timeout: 20_000 }).toEqual([1]);
    expect(stopped).toBe(false);
    expect((await fetch(first.endpoints.dynamodb)).status).toBeGreaterThan(0);

    await joined.close();
    await stopping;
    expect(existsSync(path.join(dataDir, 'servers.json'))).toBe(false);
    await expect(fetch(first.endpoints.dynamodb)).rejects.toThrow();
  }, 60_000);

  it('does not wait for a command that joined and was killed', async () => {
    const told: number[] = [];
    const first = await startEmbeddedServers({ dataDir, onWaitForOthers: (others) => told.push(others) });
    const listed = await state();
    await writeFile(path.join(dataDir, 'servers.json'), JSON.stringify({ ...listed, users: [...listed.users, `${deadPid()}:bbbbbbbb`] }));
    await first.close();
    expect(told).toEqual([]);
    expect(existsSync(path.join(dataDir, 'servers.json'))).toBe(false);
  }, 60_000);
});
