import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../../core/errors.js';
import { withFileLock } from './file-lock.js';
import { isAlive } from './process-alive.js';
import { SesFront } from './ses-front.js';

export { isAlive };

const require = createRequire(import.meta.url);

/** Endpoints of the DynamoDB- and SES-compatible servers a local command talks to. */
interface LocalEndpoints {
  dynamodb: string;
  ses: string;
  /** The aws-ses-v2-local inbox viewer, when embedded. */
  inbox?: string;
}

export interface EmbeddedServers {
  endpoints: LocalEndpoints;
  /** True when this process started the servers (and closes them); false when it joined others'. */
  owned: boolean;
  /** Raw messages sent through the embedded SES front (only when owned). */
  ses?: SesFront;
  close(): Promise<void>;
}

const STATE_FILE = 'servers.json';
const LOCK_FILE = 'servers.lock';

/** What `servers.json` records: who runs the servers, where, and every command using them. */
interface ServersState {
  pid: number;
  endpoints: LocalEndpoints;
  /** `pid:nonce` of each command using the servers, the starter included. */
  users: string[];
}

export interface EmbeddedServersOptions {
  dataDir: string;
  sendRate?: number;
  /** Told once when this command, done, keeps the servers up for others still using them. */
  onWaitForOthers?: (others: number) => void;
}

/**
 * Starts dynalite (persisted under `dataDir/dynamodb`) and aws-ses-v2-local on loopback, or joins
 * the ones another local command already started on the same data dir. LevelDB under dynalite
 * allows one opener, so two commands must share servers, not open the store twice.
 *
 * The servers live in the starter's process, so they are shared under a lease: `servers.json` lists
 * every command using them, changed only under `servers.lock`. A command that joined leaves the
 * list when it closes; the starter, when it closes, waits until no other live command is on the
 * list, then stops the servers and removes the file, both under the lock, so nobody joins servers
 * that are stopping. A command killed with kill -9 is dropped from the list by its process id; a
 * list whose starter is gone is stale, and the next command starts servers afresh.
 */
export async function startEmbeddedServers(options: EmbeddedServersOptions): Promise<EmbeddedServers> {
  await mkdir(options.dataDir, { recursive: true });
  const statePath = path.join(options.dataDir, STATE_FILE);
  const lockPath = path.join(options.dataDir, LOCK_FILE);
  const user = `${process.pid}:${randomUUID().slice(0, 8)}`;
  return withFileLock(lockPath, async () => {
    const existing = await readState(statePath);
    if (existing && isAlive(existing.pid) && (await reachable(existing.endpoints.dynamodb))) {
      await writeState(statePath, { ...existing, users: [...liveUsers(existing.users), user] });
      let left = false;
      return {
        endpoints: existing.endpoints,
        owned: false,
        async close() {
          if (left) return;
          left = true;
          await withFileLock(lockPath, async () => {
            const state = await readState(statePath);
            if (state?.pid === existing.pid) await writeState(statePath, { ...state, users: liveUsers(state.users).filter((u) => u !== user) });
          });
        },
      };
    }
    return startOwned(options, statePath, lockPath, user);
  });
}

async function startOwned(options: EmbeddedServersOptions, statePath: string, lockPath: string, user: string): Promise<EmbeddedServers> {
  const dynamo = await startDynaliteWorker(path.join(options.dataDir, 'dynamodb'));
  const dynamoPort = dynamo.port;

  const sesLocal = await startServerWorker(SES_WORKER, { module: require.resolve('aws-ses-v2-local') }, 'SES').catch(async (error: unknown) => {
    await dynamo.close();
    throw error;
  });
  const sesPort = sesLocal.port;
  const front = new SesFront({
    upstream: { host: '127.0.0.1', port: sesPort },
    quota: { maxSendRate: options.sendRate ?? 200, max24HourSend: -1 },
  });
  const frontPort = await front.listen();

  const endpoints: LocalEndpoints = {
    dynamodb: `http://127.0.0.1:${dynamoPort}`,
    ses: `http://127.0.0.1:${frontPort}`,
    inbox: `http://127.0.0.1:${frontPort}/`,
  };
  await writeState(statePath, { pid: process.pid, endpoints, users: [user] });

  let closing: Promise<void> | undefined;
  const stopWhenLast = async () => {
    for (let told = false; ; ) {
      const others = await withFileLock(lockPath, async () => {
        const state = await readState(statePath);
        const mine = state?.pid === process.pid && state.endpoints.dynamodb === endpoints.dynamodb;
        const still = mine ? liveUsers(state.users).filter((u) => u !== user) : [];
        if (still.length > 0) {
          await writeState(statePath, { ...state!, users: [user, ...still] });
          return still.length;
        }
        if (mine) await rm(statePath, { force: true });
        await front.close();
        await Promise.all([sesLocal.close(), dynamo.close()]);
        return 0;
      });
      if (others === 0) return;
      if (!told) options.onWaitForOthers?.(others);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return {
    endpoints,
    owned: true,
    ses: front,
    close: () => (closing ??= stopWhenLast()),
  };
}

/** Users whose process still runs: a command killed with kill -9 never left the list itself. */
function liveUsers(users: readonly string[] | undefined): string[] {
  return (users ?? []).filter((u) => isAlive(Number(u.split(':')[0])));
}

/**
 * dynalite (LevelDB plus a JSON API in JavaScript) costs as much CPU per request as the sender
 * itself, and aws-ses-v2-local parses every message it takes (mailparser) for its inbox: each on a
 * thread of its own, the store, the SES server and the sender use both cores instead of taking
 * turns on one. Worker threads, not child processes, so that they die with the command, even on
 * kill -9, and dynalite never holds the LevelDB lock after it.
 */
async function startDynaliteWorker(dataPath: string): Promise<{ port: number; close(): Promise<void> }> {
  return startServerWorker(DYNALITE_WORKER, { dynalite: require.resolve('dynalite'), path: dataPath }, 'DynamoDB');
}

async function startServerWorker(source: string, workerData: Record<string, string>, what: string): Promise<{ port: number; close(): Promise<void> }> {
  const worker = new Worker(source, { eval: true, workerData });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port
        ? resolve(message.port)
        : reject(
            new StoreError(`the embedded ${what} server did not start: ${message.error ?? 'unknown error'}: check that no other program holds the data folder`),
          ),
    );
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new StoreError(`the embedded ${what} server stopped at start (exit ${code}): check that no other program holds the data folder`)),
    );
  });
  return {
    port,
    async close() {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}

const DYNALITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalite);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => parentPort.postMessage({ error: String(error && error.message || error) }));
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.close(() => process.exit(0));
});
`;

/** aws-ses-v2-local (SES API plus the inbox viewer); SesFront, on the command's thread, forwards to it. */
const SES_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const start = require(workerData.module).default;
start({ host: '127.0.0.1', port: 0 }).then(
  (server) => {
    parentPort.postMessage({ port: server.address().port });
    parentPort.on('message', (message) => {
      if (message !== 'close') return;
      if (server.closeAllConnections) server.closeAllConnections();
      server.close(() => process.exit(0));
    });
  },
  (error) => parentPort.postMessage({ error: String(error && error.message || error) }),
);
`;

async function readState(file: string): Promise<ServersState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as ServersState;
  } catch {
    return undefined;
  }
}

/** Written aside and renamed into place: a reader never sees half a file. */
async function writeState(file: string, state: ServersState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state, null, 2));
  await rename(temporary, file);
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
