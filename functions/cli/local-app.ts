import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import type { Clock } from '../core/clock.js';
import type { Config, NewsletterConfig } from '../core/config.js';
import { ConfigError, StoreError } from '../core/errors.js';
import { loadConfig } from '../adapters/config-file.js';
import { dynamoStores } from '../adapters/dynamodb/stores.js';
import { DEFAULT_TABLE_NAME, ensureTable } from '../adapters/dynamodb/table.js';
import { isAlive, startEmbeddedServers, type EmbeddedServers } from '../adapters/local/embedded-servers.js';
import { loadTokenKeys } from '../adapters/local/token-key.js';
import { localOwnerGone, localRunOwner } from '../adapters/local/run-owner.js';
import { sdkClientConfig } from '../adapters/sdk-client-config.js';
import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { createSources } from '../adapters/sources/create-sources.js';
import { systemClock } from '../adapters/system-clock.js';
import type { AppServices } from '../wiring/app-services.js';
import { withBaseUrl } from '../wiring/subscriptions.js';

export interface GlobalOptions {
  config: string;
  dataDir: string;
  newsletter?: string;
  /** The commands' time; the system clock unless a test gives its own (`main(argv, { clock })`), never a flag. */
  clock?: Clock;
}

/** Configuration plus the chosen newsletter and the clock, without any server: enough for preview and keypoints. */
export async function loadNewsletter(
  options: GlobalOptions,
): Promise<{ config: Config; newsletter: NewsletterConfig; baseDir: string; templateDirs: Record<string, string>; clock: Clock }> {
  const { config, baseDir, templateDirs } = await loadConfig(options.config);
  const newsletter = options.newsletter ? config.newsletters.find((n) => n.id === options.newsletter) : config.newsletters[0];
  if (!newsletter) {
    throw new ConfigError(`newsletter "${options.newsletter}" is not in ${options.config}: use one of ${config.newsletters.map((n) => n.id).join(', ')}`);
  }
  return { config, newsletter, baseDir, templateDirs, clock: options.clock ?? systemClock };
}

const DEV_STATE_FILE = 'dev.json';

/** `newsletter dev` records where it listens, so a digest run in another terminal links to it. */
export async function recordDevServer(dataDir: string, baseUrl: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, DEV_STATE_FILE);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify({ pid: process.pid, baseUrl }));
  return async () => {
    const state = await readDevState(file);
    if (state?.pid === process.pid) await rm(file, { force: true });
  };
}

async function readDevState(file: string): Promise<{ pid: number; baseUrl: string } | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { pid: number; baseUrl: string };
  } catch {
    return undefined;
  }
}

/** The address of the `newsletter dev` server running on this data dir, if one runs. */
export async function runningDevServer(dataDir: string): Promise<string | undefined> {
  const state = await readDevState(path.join(dataDir, DEV_STATE_FILE));
  return state && isAlive(state.pid) ? state.baseUrl : undefined;
}

/** A digest run beside `newsletter dev` links to that server (see `withBaseUrl`). */
async function withDevBaseUrl<T extends { config: Config; newsletter: NewsletterConfig }>(loaded: T, dataDir: string): Promise<T> {
  const state = await readDevState(path.join(dataDir, DEV_STATE_FILE));
  if (!state || state.pid === process.pid || !isAlive(state.pid)) return loaded;
  return { ...loaded, config: withBaseUrl(loaded.config, state.baseUrl), newsletter: { ...loaded.newsletter, baseUrl: state.baseUrl } };
}

export type LocalApp = Awaited<ReturnType<typeof openLocalApp>>;

/**
 * Everything a local command needs: the configuration, SDK clients pointed at the embedded servers
 * (or at AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SES when set), the stores and the token keys.
 */
export async function openLocalApp(options: GlobalOptions & { sendRate?: number }) {
  const loaded = await withDevBaseUrl(await loadNewsletter(options), options.dataDir);
  // Before any server starts: a refused key then ends the command with its one-line message,
  // instead of leaving embedded servers running that keep the process from exiting.
  const tokenKeys = await loadTokenKeys(options.dataDir);
  const env = process.env;
  const needEmbedded = !env.AWS_ENDPOINT_URL_DYNAMODB || !env.AWS_ENDPOINT_URL_SES;
  const servers: EmbeddedServers | undefined = needEmbedded
    ? await startEmbeddedServers({
        dataDir: options.dataDir,
        ...(options.sendRate ? { sendRate: options.sendRate } : {}),
        onWaitForOthers: (others) =>
          process.stderr.write(
            `Keeping the embedded servers up for ${others} other newsletter ${others === 1 ? 'command' : 'commands'} ` +
              `on ${options.dataDir}; this one ends when they finish.\n`,
          ),
      })
    : undefined;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  // Local servers accept any credentials; real AWS needs the standard credential chain.
  const credentials = env.AWS_ACCESS_KEY_ID ? undefined : { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamodbEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? servers?.endpoints.dynamodb;
  const sesEndpoint = env.AWS_ENDPOINT_URL_SES ?? servers?.endpoints.ses;
  // The embedded servers run on this machine, next to whatever else it does: a busy laptop or CI box
  // can make dynalite take seconds (a LevelDB compaction), which is slowness, not a hung call.
  const onThisMachine = { connectionTimeout: 10_000, requestTimeout: 60_000 };
  const dynamodb = new DynamoDBClient({
    region,
    ...sdkClientConfig('dynamodb', env.AWS_ENDPOINT_URL_DYNAMODB ? {} : onThisMachine),
    ...(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  // One attempt: the sender retries with its own backoff and pacing; the SDK's retries would hide throttling from it.
  const ses = new SESClient({
    region,
    ...sdkClientConfig('ses', env.AWS_ENDPOINT_URL_SES ? {} : onThisMachine),
    ...(sesEndpoint ? { endpoint: sesEndpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const tableName = env.NEWSLETTER_TABLE ?? DEFAULT_TABLE_NAME;
  try {
    await ensureTable(dynamodb, tableName);
  } catch (error) {
    await servers?.close();
    throw new StoreError(
      `could not reach DynamoDB at ${dynamodbEndpoint ?? 'AWS'}: ${(error as Error).message}: check ` +
        `AWS_ENDPOINT_URL_DYNAMODB, or unset it to use the embedded server`,
      { cause: error },
    );
  }
  // Not the send budget: only the stack's senders reserve from it (a use case handed one would).
  const { sendBudget: _senders, ...stores } = dynamoStores(dynamodb, tableName, { ownerGone: localOwnerGone });
  const app = {
    ...loaded,
    servers,
    endpoints: { dynamodb: dynamodbEndpoint, ses: sesEndpoint, inbox: env.AWS_ENDPOINT_URL_SES ? undefined : servers?.endpoints.inbox },
    dynamodb,
    ses,
    tokenKeys,
    ...stores,
    environment: env,
    /** This process's identity on delivery-group locks. */
    owner: localRunOwner(),
    sourcesFor: (newsletter: NewsletterConfig) => createSources(newsletter.sources, { baseDir: loaded.baseDir }),
    mailer: new SesMailer(ses, { fallbackQuota: { maxSendRate: options.sendRate ?? 14, max24HourSend: -1, sentLast24Hours: 0 } }),
    async close() {
      dynamodb.destroy();
      ses.destroy();
      await servers?.close();
    },
  };
  return app satisfies AppServices;
}
