import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { startAwsJsonServer, type SqsBatchEntry } from './aws-json-server.js';
import { startTestServers, type TestServers } from './local-servers.js';
import { stackEnvironment } from './stack-environment.js';

/** The token key in the loopback Secrets Manager: subscriber ids in these tests are keyed with it. */
export const STACK_TOKEN = 'a-long-random-secret-of-more-than-32-characters';

/** The ARN of the signing-keys secret in the loopback Secrets Manager (see `signingKeys`). */
const SIGNING_KEYS_ARN = 'arn:signing-keys';

export interface LoopbackStack {
  servers: TestServers;
  /** The stack's send queue URL (on the loopback SQS). */
  queueUrl: string;
  /** The functions' working directory (their task root): articles and config files go here. */
  work: string;
  /** Puts the process back (environment, working directory) and stops every server. */
  close(): Promise<void>;
}

/**
 * What the stack's functions find around them, on loopback: real dynalite and the SES-compatible
 * server, an SQS whose SendMessageBatch the test answers (it holds the queue and plays the event
 * source), Secrets Manager holding the token key, a work directory as the working directory, and
 * the stack's environment in `process.env`. For handler tests and the CLI's `--aws` tests.
 */
export async function startLoopbackStack(options: {
  /** Names the work directory. */
  name: string;
  config: unknown;
  /** Takes the queued messages and gives SQS's answer (`acceptedBatch(entries)` when all are taken). */
  onSendBatch: (entries: SqsBatchEntry[]) => unknown;
  /** The stack's table (created if missing); default the test servers' own. */
  tableName?: string;
  /** Leave SES out of the environment: each case points the functions at its own SES server. */
  withoutSes?: boolean;
  /** More loopback servers that need the queue URL (CloudFormation's stack outputs). */
  more?: (queueUrl: string) => Promise<{ endpoints: Record<string, string>; close(): Promise<void> }>;
  /** Variables of the developer's shell the stack never sets, removed so they cannot leak in. */
  unset?: string[];
  /**
   * The signing-keys document of a rotation, read at each GetSecretValue of SIGNING_KEYS_ARN (which
   * the environment then names); without it the stack has had no rotation.
   */
  signingKeys?: () => string;
}): Promise<LoopbackStack> {
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  const servers = await startTestServers();
  const sqs = await startAwsJsonServer({ 'AmazonSQS.SendMessageBatch': (body) => options.onSendBatch(body.Entries as SqsBatchEntry[]) });
  const secrets = await startAwsJsonServer({
    'secretsmanager.GetSecretValue': (body) =>
      body.SecretId === SIGNING_KEYS_ARN
        ? { ARN: SIGNING_KEYS_ARN, Name: 'signing-keys', SecretString: options.signingKeys?.() ?? '' }
        : { ARN: 'arn:token', Name: 'token', SecretString: STACK_TOKEN },
  });
  const queueUrl = `${sqs.url}/000000000000/send`;
  const more = options.more ? await options.more(queueUrl) : undefined;
  const work = await mkdtemp(path.join(tmpdir(), `newsletter-${options.name}-`));
  const tableName = options.tableName ?? servers.tableName;
  if (options.tableName) await ensureTable(servers.dynamodb, tableName);
  Object.assign(
    process.env,
    stackEnvironment({
      endpoints: {
        DYNAMODB: servers.embedded.endpoints.dynamodb,
        ...(options.withoutSes ? {} : { SES: servers.embedded.endpoints.ses }),
        SQS: sqs.url,
        SECRETS_MANAGER: secrets.url,
        ...more?.endpoints,
      },
      tableName,
      sendQueueUrl: queueUrl,
      tokenSecretArn: 'arn:token',
      config: options.config,
    }),
  );
  if (options.signingKeys) process.env.TOKEN_SIGNING_KEYS_ARN = SIGNING_KEYS_ARN;
  for (const name of ['BUCKET_NAME', ...(options.unset ?? [])]) delete process.env[name];
  process.chdir(work);
  return {
    servers,
    queueUrl,
    work,
    async close() {
      process.chdir(savedCwd);
      process.env = savedEnv;
      await servers.stop();
      await sqs.close();
      await secrets.close();
      await more?.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
