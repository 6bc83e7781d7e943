import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedServers, type EmbeddedServers } from '../../functions/adapters/local/embedded-servers.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';

export interface TestServers {
  dataDir: string;
  /** The embedded dynalite and aws-ses-v2-local (their endpoints, and SES's received messages). */
  embedded: EmbeddedServers;
  dynamodb: DynamoDBClient;
  ses: SESClient;
  tableName: string;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Real dynalite and aws-ses-v2-local on loopback, in a fresh data dir, for one test file. */
export async function startTestServers(options: { sendRate?: number } = {}): Promise<TestServers> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-test-'));
  const embedded = await startEmbeddedServers({ dataDir, sendRate: options.sendRate ?? 1000 });
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: embedded.endpoints.dynamodb, credentials });
  const ses = new SESClient({ region: 'us-east-1', endpoint: embedded.endpoints.ses, credentials, maxAttempts: 1 });
  const tableName = 'newsletter';
  await ensureTable(dynamodb, tableName);
  return {
    dataDir,
    embedded,
    dynamodb,
    ses,
    tableName,
    async stop() {
      dynamodb.destroy();
      ses.destroy();
      await embedded.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the servers before the file's tests and stops them after; the accessor gives them to
 * each test (they exist only once `beforeAll` has run).
 *
 * @example
 * const servers = useTestServers();
 * it('…', async () => { const store = new DynamoEditionStore(servers().dynamodb, servers().tableName); });
 */
export function useTestServers(options: { sendRate?: number } = {}): () => TestServers {
  let servers: TestServers | undefined;
  beforeAll(async () => {
    servers = await startTestServers(options);
  });
  afterAll(async () => servers?.stop());
  return () => {
    if (!servers) throw new Error('test servers are not started: call useTestServers() at the top of the test file');
    return servers;
  };
}

/**
 * A DynamoDB client of its own on the test servers that records the name of every command it
 * sends: what a store operation costs in round trips. The caller destroys it.
 */
export function countingDynamoClient(servers: TestServers): { client: DynamoDBClient; requests: string[] } {
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: servers.embedded.endpoints.dynamodb, credentials });
  const requests: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      requests.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, requests };
}
