import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Clock } from '../core/clock.js';
import type { NewsletterConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { checkTokenKey, tokenKeysFrom, type TokenKeys } from '../core/tokens.js';
import type { DynamoDeliveryLedger } from '../adapters/dynamodb/delivery-ledger.js';
import type { DynamoDeliveryLookup } from '../adapters/dynamodb/delivery-lookup.js';
import type { DynamoEditionStore } from '../adapters/dynamodb/edition-store.js';
import { dynamoStores, type DynamoStores } from '../adapters/dynamodb/stores.js';
import type { DynamoFeedbackLog } from '../adapters/dynamodb/feedback-log.js';
import type { DynamoSignUpLimitStore } from '../adapters/dynamodb/sign-up-limit-store.js';
import type { DynamoSubscriberStore } from '../adapters/dynamodb/subscriber-store.js';
import type { DynamoSuppressionStore } from '../adapters/dynamodb/suppression-store.js';
import { SesMailer } from '../adapters/ses/ses-mailer.js';
import { SqsSendQueue } from '../adapters/sqs/sqs-send-queue.js';
import { SchedulerSend } from '../adapters/scheduler/scheduler-send.js';
import { sdkClientConfig } from '../adapters/sdk-client-config.js';
import { systemClock } from '../adapters/system-clock.js';
import { ownTemplateFolder } from '../adapters/template-folders.js';
import type { AppServices } from '../wiring/app-services.js';
import { readEnvironment, type FunctionEnvironment } from './environment.js';

/** What every SDK client of the context gets on top of its defaults (a test's or the local twin's own request handler, say). */
export interface AwsClientOptions {
  /**
   * Called with each SDK client once it is built: the local twin of the stack adds a middleware
   * here that freezes a container's calls when its modelled Lambda timeout kills it.
   */
  prepareClient?: (client: { middlewareStack: { add: (...args: never[]) => unknown } }) => void;
}

/** How long a container keeps the signing keys it read before reading them again. */
export const SIGNING_KEYS_REFRESH_MS = 5 * 60_000;

/** The Lambda invocation context a handler reads (a subset of aws-lambda's Context). */
export interface LambdaInvocation {
  awsRequestId?: string;
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis?: () => number;
}

/**
 * What every function shares on AWS, built once per cold start: the parsed environment, SDK clients
 * and stores. Nothing here runs at import time, so a handler module can be loaded in tests.
 */
export class AwsContext {
  readonly env: FunctionEnvironment;
  readonly dynamodb: DynamoDBClient;
  private idKey?: Promise<Buffer>;
  private signingKeys?: { read: Promise<TokenKeys>; at: number };
  private secretsClient?: SecretsManagerClient;
  private sesClient?: SESClient;
  private sqsClient?: SQSClient;
  private s3Client?: S3Client;
  private tables?: DynamoStores;
  private sesMailer?: SesMailer;
  private queue?: SqsSendQueue;
  private later?: SchedulerSend;

  /**
   * With a tracer, every SDK call becomes an X-Ray subsegment (a no-op outside Lambda). The clock is
   * the functions' time: the system's on Lambda, a test's own where it passes one.
   */
  constructor(
    private readonly rawEnv: Record<string, string | undefined> = process.env,
    private readonly tracer?: Tracer,
    readonly clock: Clock = systemClock,
    private readonly clientOptions: AwsClientOptions = {},
  ) {
    this.env = readEnvironment(rawEnv);
    this.dynamodb = this.traced(new DynamoDBClient(sdkClientConfig('dynamodb')));
  }

  private traced<C extends object>(client: C): C {
    this.clientOptions.prepareClient?.(client as unknown as Parameters<NonNullable<AwsClientOptions['prepareClient']>>[0]);
    return this.tracer ? this.tracer.captureAWSv3Client(client) : client;
  }

  // Stores and the mailer are built on first use and kept for the container's life, like the clients.
  private get stores(): DynamoStores {
    return (this.tables ??= dynamoStores(this.dynamodb, this.env.tableName, {}, this.clock));
  }
  get subscribers(): DynamoSubscriberStore {
    return this.stores.subscribers;
  }
  get suppressions(): DynamoSuppressionStore {
    return this.stores.suppressions;
  }
  get feedback(): DynamoFeedbackLog {
    return this.stores.feedback;
  }
  get signUpLimits(): DynamoSignUpLimitStore {
    return this.stores.signUpLimits;
  }
  get editions(): DynamoEditionStore {
    return this.stores.editions;
  }
  get ledger(): DynamoDeliveryLedger {
    return this.stores.ledger;
  }
  get deliveries(): DynamoDeliveryLookup {
    return this.stores.deliveries;
  }
  get ses(): SESClient {
    // One attempt (the sender paces and retries itself) and a few seconds: see sdkClientConfig.
    return (this.sesClient ??= this.traced(new SESClient(sdkClientConfig('ses'))));
  }
  get mailer(): SesMailer {
    return (this.sesMailer ??= new SesMailer(this.ses, this.env.configurationSet ? { configurationSetName: this.env.configurationSet } : {}));
  }
  get sqs(): SQSClient {
    return (this.sqsClient ??= this.traced(new SQSClient(sdkClientConfig('sqs'))));
  }
  get s3(): S3Client {
    return (this.s3Client ??= this.traced(new S3Client(sdkClientConfig('s3'))));
  }
  /** The stack's send queue; undefined where the stack gave this function none (no SEND_QUEUE_URL). */
  get sendQueue(): SqsSendQueue | undefined {
    const url = this.env.sendQueueUrl;
    return url ? (this.queue ??= new SqsSendQueue(this.sqs, url)) : undefined;
  }

  /**
   * One-time schedules that put a batch back on the send queue after a wait longer than SQS can hold
   * a message (the quota's); undefined where the stack gave this function none.
   */
  get scheduledSend(): SchedulerSend | undefined {
    const target = this.env.wakeUps;
    return target ? (this.later ??= new SchedulerSend(this.traced(new SchedulerClient(sdkClientConfig('scheduler'))), target)) : undefined;
  }

  /** In the Lambda bundle the templates are copied beside the code; locally the renderer finds them itself. */
  get templatesDir(): string | undefined {
    const root = this.env.taskRoot;
    return root ? `${root}/templates` : undefined;
  }

  /**
   * Each newsletter's own template folder (its `template` in the config), by newsletter id:
   * `<templatesDir>/<template>/` inside the bundle, where the stack copies it (the deployed config's
   * `templatesDir` is a folder of the bundle); an absolute `templatesDir`, as the local twin of the
   * stack passes, is used as it is. The files a folder lacks come from the bundled templates.
   */
  get templateDirs(): Record<string, string> {
    const root = this.env.taskRoot ?? '.';
    const dirs: Record<string, string> = {};
    for (const newsletter of this.env.config.newsletters) {
      const dir = ownTemplateFolder(this.env.config, newsletter, root);
      if (dir) dirs[newsletter.id] = dir;
    }
    return dirs;
  }

  /** The services every use case is wired from (`functions/wiring/`), once the token key is read. */
  async services(): Promise<AppServices> {
    const tokenKeys = await this.tokenKeys();
    return {
      config: this.env.config,
      subscribers: this.subscribers,
      suppressions: this.suppressions,
      signUpLimits: this.signUpLimits,
      editions: this.editions,
      ledger: this.ledger,
      deliveries: this.deliveries,
      feedback: this.feedback,
      mailer: this.mailer,
      tokenKeys,
      clock: this.clock,
      templatesDir: this.templatesDir,
      templateDirs: this.templateDirs,
      // Many senders run at once on AWS: they share the 24-hour quota through the table.
      sendBudget: this.stores.sendBudget,
      keyPointCache: this.stores.keyPointCache,
      environment: this.rawEnv,
    };
  }

  newsletter(id: string): NewsletterConfig {
    const newsletter = this.env.config.newsletters.find((n) => n.id === id);
    if (!newsletter) throw new ConfigError(`newsletter "${id}" is not in NEWSLETTER_CONFIG: check the schedule's input`);
    return newsletter;
  }

  /**
   * The token keys from Secrets Manager: the id key once per container (it never changes), the
   * signing keys (when the stack names a signing-keys secret) again every
   * SIGNING_KEYS_REFRESH_MS, so a rotation reaches running containers within minutes.
   */
  tokenKeys(): Promise<TokenKeys> {
    const now = this.clock.now().getTime();
    if (this.signingKeys && now - this.signingKeys.at < SIGNING_KEYS_REFRESH_MS) return this.signingKeys.read;
    const arn = this.env.signingKeysSecretArn;
    const read = this.idKeyFromSecret().then(async (idKey) => {
      if (!arn) return tokenKeysFrom(idKey, undefined, 'no signing-keys secret');
      const secret = await this.secrets.send(new GetSecretValueCommand({ SecretId: arn }));
      return tokenKeysFrom(idKey, secret.SecretString, `secret ${arn}`);
    });
    const entry = { read, at: now };
    this.signingKeys = entry;
    read.catch(() => {
      if (this.signingKeys === entry) this.signingKeys = undefined;
    });
    return read;
  }

  private get secrets(): SecretsManagerClient {
    return (this.secretsClient ??= this.traced(new SecretsManagerClient(sdkClientConfig('secretsManager'))));
  }

  private idKeyFromSecret(): Promise<Buffer> {
    const arn = this.env.tokenSecretArn;
    if (!arn) return Promise.reject(new ConfigError('TOKEN_SECRET_ARN is not set: the stack must grant the function the token secret'));
    this.idKey ??= this.secrets.send(new GetSecretValueCommand({ SecretId: arn })).then((secret) => {
      // Bytes, not characters, are what the HMAC key is made of: a SecretBinary (the key of a local
      // data dir, moved to AWS with `put-secret-value --secret-binary`) as it is, a string as UTF-8.
      const key = secret.SecretBinary ? Buffer.from(secret.SecretBinary) : Buffer.from(secret.SecretString ?? '', 'utf8');
      return checkTokenKey(key, `secret ${arn}`, 'put a random value of at least 32 characters in the secret');
    });
    this.idKey.catch(() => (this.idKey = undefined));
    return this.idKey;
  }
}
