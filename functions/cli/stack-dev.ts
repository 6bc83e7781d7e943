import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config, NewsletterConfig } from '../core/config.js';
import { NewsletterError } from '../core/errors.js';
import { isAlive } from '../adapters/local/embedded-servers.js';
import { DEFAULT_TABLE_NAME } from '../adapters/dynamodb/table.js';
import type { DigestRunSummary } from '../handlers/digest.js';
import type { StackTwin, TwinEndpoints } from './stack-twin/stack-twin.js';
import type { LocalApp } from './local-app.js';
import { noSubscribersLine } from './output.js';

/**
 * `newsletter dev --stack-twin`: the dev server with the local twin of the deployed stack beside it
 * (cli/stack-twin/), in real time. A digest, scheduled here or run with `newsletter digest` in
 * another terminal, goes through the digest handler to the twin's SQS server, and the twin's event
 * source invokes the sender handler, as on AWS; the functions use the dev server's DynamoDB, SES
 * (its inbox viewer shows the edition) and token key.
 */

const STACK_STATE_FILE = 'stack.json';

/** What `dev --stack-twin` records in the data dir for a `digest` in another terminal. */
export interface StackState extends TwinEndpoints {
  pid: number;
}

export interface StackDev {
  twin: StackTwin;
  /** One line for the operator: the path a digest takes, with the stack's settings. */
  description: string;
  /** Runs the scheduled digest function once, as EventBridge Scheduler would. */
  runDigest(newsletterId: string): Promise<DigestRunSummary>;
  close(): Promise<void>;
}

/**
 * Starts the twin on the dev server's servers and key, its event source polling until `close`, and
 * records how to reach it under the data dir.
 */
export async function startStackDev(app: LocalApp, options: { dataDir: string; baseUrl: string; print: (line: string) => void }): Promise<StackDev> {
  const { dynamodb, ses } = app.endpoints;
  if (!dynamodb || !ses)
    throw new NewsletterError(
      'dev --stack-twin runs the stack on this machine and needs local DynamoDB and SES servers: unset ' +
        'AWS_ENDPOINT_URL_* pointing at AWS, or run dev without --stack',
    );
  // Loaded here: the twin (fauxqs, the handlers) is only for --stack-twin.
  const { StackTwin } = await import('./stack-twin/stack-twin.js');
  const rate = app.config.delivery.rate ?? FRESH_ACCOUNT_RATE;
  // The functions' warnings and errors (a sender that cannot read the key, say) show in this terminal;
  // their info lines per batch would bury the dev server's own.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const twin = await StackTwin.start({
    config: functionConfig(app.config, app.baseDir, options.baseUrl),
    time: 'real',
    ses: { rate },
    local: { dynamodb, ses, tableName: process.env.NEWSLETTER_TABLE ?? DEFAULT_TABLE_NAME, tokenKey: app.tokenKeys.id },
  });
  const serving = twin.serve().catch((error: unknown) => options.print(`The stack twin's event source stopped: ${(error as Error).message}`));
  const file = path.join(options.dataDir, STACK_STATE_FILE);
  try {
    await mkdir(options.dataDir, { recursive: true });
    await writeFile(file, JSON.stringify({ pid: process.pid, ...twin.endpoints } satisfies StackState), { mode: 0o600 });
  } catch (error) {
    await twin.close();
    throw error;
  }
  const { batchSize, maxConcurrency, visibilityTimeoutSeconds, maxReceiveCount, timeoutSeconds } = twin.settings;
  let closed: Promise<void> | undefined;
  return {
    twin,
    description:
      `Stack twin: digest function → SQS ${twin.queueUrl} → sender function (batch ${batchSize}, at ` +
      `most ${maxConcurrency} at once, timeout ${timeoutSeconds} s, visibility ${visibilityTimeoutSeconds} s, DLQ ` +
      `after ${maxReceiveCount} receives)`,
    runDigest: (newsletterId) => twin.runDigest(newsletterId),
    close() {
      closed ??= (async () => {
        const state = await readStackState(file);
        if (state?.pid === process.pid) await rm(file, { force: true });
        await twin.close();
        await serving;
      })();
      return closed;
    },
  };
}

/** A fresh SES account's send rate: what sizes the senders when the config names no `delivery.rate`. */
const FRESH_ACCOUNT_RATE = 14;

/**
 * The configuration as the stack gives it to the functions (NEWSLETTER_CONFIG): links to the dev
 * server, and folder sources and templates as absolute paths, since a function reads them from its
 * own working directory.
 */
function functionConfig(config: Config, baseDir: string, baseUrl: string): Config {
  return {
    ...config,
    templatesDir: path.resolve(baseDir, config.templatesDir),
    newsletters: config.newsletters.map(
      (n): NewsletterConfig => ({
        ...n,
        baseUrl,
        sources: n.sources.map((source) => (source.type === 'folder' ? { ...source, path: path.resolve(baseDir, source.path) } : source)),
      }),
    ),
  };
}

/** The `dev --stack-twin` running on this data dir, if any. */
export async function runningStack(dataDir: string): Promise<StackState | undefined> {
  const state = await readStackState(path.join(dataDir, STACK_STATE_FILE));
  return state && isAlive(state.pid) ? state : undefined;
}

async function readStackState(file: string): Promise<StackState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

/**
 * `newsletter digest` beside `dev --stack-twin`: runs the digest function, as its schedule would, against
 * the running twin; the twin's senders then deliver what it queued.
 */
export async function digestThroughStack(state: StackState, newsletterId: string): Promise<DigestRunSummary> {
  const saved = Object.fromEntries(Object.keys(state.endpoints).map((name) => [name, process.env[name]]));
  // The functions' logs and metrics are the twin's business; the command prints its own summary.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  Object.assign(process.env, state.endpoints);
  // The twin's SQS server names its queues http://sqs.<region>.localhost:<port>/…: resolve *.localhost to loopback.
  const { interceptLocalhostDns } = await import('fauxqs');
  const restoreDns = interceptLocalhostDns();
  try {
    const [{ AwsContext }, { digestHandler }] = await Promise.all([import('../handlers/aws-context.js'), import('../handlers/digest.js')]);
    const context = new AwsContext(state.functionEnv);
    try {
      return await digestHandler(() => context)({ newsletterId }, {});
    } catch (error) {
      if (error instanceof NewsletterError) throw error;
      throw new NewsletterError(
        `the stack twin of dev --stack-twin (process ${state.pid}) did not take the ` +
          `digest: ${(error as Error).message}: check that dev --stack-twin still runs, or stop it and ` +
          `delete ${STACK_STATE_FILE} in the data dir to send in this process`,
        { cause: error },
      );
    } finally {
      context.dynamodb.destroy();
      context.sqs.destroy();
    }
  } finally {
    restoreDns();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What the digest function did, in the words of `newsletter digest`. */
export function stackDigestLine(summary: DigestRunSummary, newsletterId: string): string {
  switch (summary.status) {
    case 'queued':
      return `edition ${summary.editionId} queued for ${summary.queued} reader(s): the stack twin's sender function delivers it`;
    case 'nothing-new':
      return 'nothing new since the last edition, nothing queued';
    case 'no-subscribers':
      return noSubscribersLine(newsletterId);
    case 'draft':
      return `draft ${summary.editionId} built and sent for review: approving it queues it for the list`;
    case 'awaiting-review':
      return `draft ${summary.editionId} still waits for review: nothing queued`;
    default:
      return `${summary.status}${summary.editionId ? ` (edition ${summary.editionId})` : ''}`;
  }
}
