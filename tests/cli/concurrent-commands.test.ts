import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../functions/adapters/dynamodb/document.js';
import { DEFAULT_TABLE_NAME, ensureTable, keys } from '../../functions/adapters/dynamodb/table.js';
import { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';
import { startEmbeddedServers } from '../../functions/adapters/local/embedded-servers.js';
import { loadOrCreateTokenKey } from '../../functions/adapters/local/token-key.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { spawnCli } from '../support/cli-process.js';

/**
 * Several `newsletter digest` commands started at the same moment on one data dir, as real
 * processes: the first to start runs the embedded DynamoDB, the others join it through
 * `servers.json`, and whoever finishes first must not take the servers away from the others.
 * Mail goes to an SES-compatible server in this process, which counts every copy.
 */
const readers = 1500;
const emailOf = (n: number) => `reader${n}@example.com`;
let work: string;
const servers: FaultySesServer[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'newsletter-concurrent-'));
  await cp('articles', path.join(work, 'articles'), { recursive: true });
  const json = JSON.parse(await readFile('newsletter.config.json', 'utf8'));
  json.newsletters[0].sources = [{ type: 'folder', path: 'articles' }];
  await writeFile(path.join(work, 'newsletter.config.json'), JSON.stringify(json));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (work) await rm(work, { recursive: true, force: true });
});

/** A data dir with `readers` confirmed subscribers, written through embedded servers that are stopped again. */
async function dataDirWithReaders(name: string): Promise<string> {
  const dataDir = path.join(work, name);
  const newsletterId = JSON.parse(await readFile(path.join(work, 'newsletter.config.json'), 'utf8')).newsletters[0].id as string;
  const key = await loadOrCreateTokenKey(dataDir);
  const embedded = await startEmbeddedServers({ dataDir });
  const dynamodb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: embedded.endpoints.dynamodb,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    await ensureTable(dynamodb, DEFAULT_TABLE_NAME);
    const doc = documentClient(dynamodb);
    const now = new Date().toISOString();
    const items = Array.from({ length: readers }, (_, i) => {
      const id = subscriberId(key, emailOf(i));
      return { ...keys.subscriber(newsletterId, id), id, newsletterId, email: emailOf(i), status: 'confirmed', createdAt: now, confirmedAt: now };
    });
    for (let i = 0; i < items.length; i += 25) {
      await doc.send(new BatchWriteCommand({ RequestItems: { [DEFAULT_TABLE_NAME]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
  } finally {
    dynamodb.destroy();
    await embedded.close();
  }
  return dataDir;
}

function digest(dataDir: string, ses: FaultySesServer, ...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SES: ses.endpoint,
    AWS_REGION: 'us-east-1',
  };
  // DynamoDB stays embedded: that is what the commands share.
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  delete env.AWS_ENDPOINT_URL;
  delete env.NEWSLETTER_TABLE;
  const run = spawnCli(['--data-dir', dataDir, 'digest', '--out', path.join(work, 'out'), ...args], { cwd: work, env });
  return run.exited.then(({ code }) => ({ code, output: run.output() }));
}

describe('newsletter digest run several times at once on one data dir', () => {
  it.each([2, 3])(
    'gives every reader exactly one copy with %i commands started together, and none fails',
    async (commands) => {
      const dataDir = await dataDirWithReaders(`data-${commands}`);
      const ses = await FaultySesServer.start({});
      servers.push(ses);

      const runs = await Promise.all(Array.from({ length: commands }, () => digest(dataDir, ses)));

      for (const run of runs) expect(run.code, run.output).toBe(0);
      const copies = ses.copiesByRecipient();
      const counts = Array.from({ length: readers }, (_, i) => copies.get(emailOf(i)) ?? 0);
      expect(counts.filter((n) => n !== 1)).toEqual([]);
      expect(copies.size).toBe(readers);
      // The last command out stopped the servers and cleaned up after itself.
      expect(existsSync(path.join(dataDir, 'servers.json'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'servers.lock'))).toBe(false);
    },
    240_000,
  );
});

describe('newsletter digest --force run twice at once', () => {
  it('sends one forced edition and refuses the other run with one line', async () => {
    const dataDir = await dataDirWithReaders('data-force');
    const ses = await FaultySesServer.start({});
    servers.push(ses);
    expect((await digest(dataDir, ses)).code).toBe(0);
    const first = ses.copiesByRecipient();
    expect(first.size).toBe(readers);

    const runs = await Promise.all([digest(dataDir, ses, '--force'), digest(dataDir, ses, '--force')]);

    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.output).join('\n---\n')).toEqual([0, 1]);
    const refused = runs
      .find((r) => r.code === 1)!
      .output.split('\n')
      .filter((line) => line.startsWith('newsletter: '));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^newsletter: (another run is building edition \S+ of \S+ with --force right now|edition \S+ of \S+ is still being sent)/);
    const copies = ses.copiesByRecipient();
    const counts = Array.from({ length: readers }, (_, i) => copies.get(emailOf(i)) ?? 0);
    expect(counts.filter((n) => n !== 2)).toEqual([]);
  }, 240_000);
});
