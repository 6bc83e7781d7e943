import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StoreError } from '../../core/errors.js';
import { SesFront } from './ses-front.js';

const require = createRequire(import.meta.url);

/** Endpoints of the DynamoDB- and SES-compatible servers a local command talks to. */
interface LocalEndpoints {
  dynamodb: string;
  ses: string;
  /** The aws-ses-v2-local inbox viewer, when embedded. */
  inbox?: string;
}

export interface EmbeddedServices {
  endpoints: LocalEndpoints;
  /** True when this process started the servers (and closes them); false when it joined others'. */
  owned: boolean;
  /** Raw messages sent through the embedded SES front (only when owned). */
  ses?: SesFront;
  close(): Promise<void>;
}

const STATE_FILE = 'servers.json';

/**
 * Starts dynalite (persisted under `dataDir/dynamodb`) and aws-ses-v2-local on loopback, or joins
 * the ones another local command already started on the same data dir. LevelDB under dynalite
 * allows one opener, so two commands must share servers, not open the store twice.
 */
export async function startEmbeddedServices(options: { dataDir: string; sendRate?: number }): Promise<EmbeddedServices> {
  await mkdir(options.dataDir, { recursive: true });
  const statePath = path.join(options.dataDir, STATE_FILE);
  const existing = await readState(statePath);
  if (existing && existing.pid !== process.pid && isAlive(existing.pid) && (await reachable(existing.endpoints.dynamodb))) {
    return { endpoints: existing.endpoints, owned: false, close: async () => {} };
  }

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
  await writeFile(statePath, JSON.stringify({ pid: process.pid, endpoints }, null, 2));

  let closed = false;
  return {
    endpoints,
    owned: true,
    ses: front,
    async close() {
      if (closed) return;
      closed = true;
      const state = await readState(statePath);
      if (state?.pid === process.pid) await rm(statePath, { force: true });
      await front.close();
      await Promise.all([sesLocal.close(), dynamo.close()]);
    },
  };
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
    worker.once('message', (message: { port?: number; error?: string }) => (message.port ? resolve(message.port) : reject(new StoreError(`the embedded ${what} server did not start: ${message.error ?? 'unknown error'}: check that no other program holds the data folder`))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new StoreError(`the embedded ${what} server stopped at start (exit ${code}): check that no other program holds the data folder`)));
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

async function readState(file: string): Promise<{ pid: number; endpoints: LocalEndpoints } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { pid: number; endpoints: LocalEndpoints };
  } catch {
    return undefined;
  }
}

/** Whether a process with this id is running (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
