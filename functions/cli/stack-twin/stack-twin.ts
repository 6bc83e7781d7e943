import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { interceptLocalhostDns, startFauxqs, type FauxqsServer } from 'fauxqs';
import { SENDER, senderCapacity } from '../../core/send-topology.js';
import { ensureTable } from '../../adapters/dynamodb/table.js';
import { startEmbeddedServers, type EmbeddedServers } from '../../adapters/local/embedded-servers.js';
import { FaultySesServer, mulberry32 } from '../../adapters/local/faulty-ses-server.js';
import { VirtualClock } from '../../adapters/local/virtual-clock.js';
import { AwsContext } from '../../handlers/aws-context.js';
import type { DigestRunSummary } from '../../handlers/digest.js';
import type { sendBatchHandler } from '../../handlers/send-batch.js';
import { SqsEventSource, type EventSourceStats, type QueueState } from './event-source.js';
import type { PreparedClient } from './lambda-timeout.js';
import { declaredRecursiveLoop, type RecursiveLoop } from './recursive-loop.js';
import { startSchedulerEndpoint, type SchedulerEndpoint } from './scheduler-endpoint.js';
import { startSecretsEndpoint } from './secrets-endpoint.js';
import { prepareTwinClient, SenderContainer } from './sender-container.js';
import { holdWhileCalling, installTimeWarp } from './time-warp.js';
import { realTime, virtualTime, type TwinTime } from './twin-time.js';

/** The sender's settings as the stack deploys them (core/send-topology.ts), which a test may change one by one. */
export interface TwinSettings {
  batchSize: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
  retentionSeconds: number;
  timeoutSeconds: number;
  memoryMb: number;
  maxConcurrency: number;
  recursiveLoop: RecursiveLoop;
}

/** The stack's own settings for an SES account of `sendRate` messages per second. */
function stackSettings(sendRate: number, overrides: Partial<TwinSettings> = {}): TwinSettings {
  return {
    batchSize: SENDER.batchSize,
    visibilityTimeoutSeconds: SENDER.visibilityTimeoutSeconds,
    maxReceiveCount: SENDER.maxReceiveCount,
    retentionSeconds: SENDER.retentionSeconds,
    timeoutSeconds: SENDER.timeoutSeconds,
    memoryMb: SENDER.memoryMb,
    maxConcurrency: senderCapacity(sendRate).maxConcurrency,
    recursiveLoop: declaredRecursiveLoop(SENDER),
    ...overrides,
  };
}

export interface StackTwinOptions {
  /** The newsletter configuration (newsletter.config.json's content), as the stack passes it to the functions. */
  config: unknown;
  /** 'virtual' for a simulated run (a day takes seconds); 'real' beside the dev server. */
  time: 'virtual' | 'real';
  /** The SES account the twin sends through, on the twin's clock. */
  ses: { rate: number; dailyQuota?: number; faultProbability?: number };
  settings?: Partial<TwinSettings>;
  /** Share (0..1) of sender invocations whose container its timeout kills at a random moment mid-batch. */
  senderTimeouts?: number;
  /** Seeds the SES faults and the kills, so a run can be repeated. */
  seed?: number;
  /**
   * false: the stack without its wake-up schedules, so a quota wait is a chain of quarter-hour
   * re-queues (what the schedules spare; a test shows it against Lambda's recursive-loop stop).
   */
  wakeUpSchedules?: boolean;
  /** Where the virtual clock starts (milliseconds). */
  startAt?: number;
  /**
   * Beside `newsletter dev --stack-twin`: the functions use the dev server's DynamoDB table and SES (with
   * its inbox viewer) instead of servers of the twin's own, and read the data dir's token key from
   * the twin's Secrets Manager, so links they sign verify on the dev server. `ses` then only sizes
   * the sender's concurrency; the rate and quota are the dev server's SES's.
   */
  local?: LocalServers;
}

/** The dev server's servers, table and token key (`StackTwinOptions.local`). */
interface LocalServers {
  dynamodb: string;
  ses: string;
  tableName: string;
  tokenKey: Buffer;
}

/**
 * How another process reaches a running twin (`newsletter dev --stack-twin` records it in the data dir):
 * the SDK endpoint variables and the functions' environment, as the stack would give them.
 */
export interface TwinEndpoints {
  endpoints: Record<string, string>;
  functionEnv: Record<string, string>;
}

const REGION = 'us-east-1';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:twin-token-key';
const QUEUE = 'send';
const WAKE_UP_ROLE_ARN = 'arn:aws:iam::000000000000:role/twin-wake-up';
const DEAD_LETTER_QUEUE = 'send-dlq';
/** In real time, how often the poller looks for messages another process queued. */
const REAL_TIME_POLL_MS = 250;
/** Environment variables the twin points the SDK with; put back as they were on close. */
const PROCESS_ENV = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SES',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_ENDPOINT_URL_SCHEDULER',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
];

/**
 * The local twin of the deployed AWS topology (docs/ARCHITECTURE.md, "The local twin of the AWS
 * stack"): the digest handler fans out to a real SQS-compatible server (fauxqs, with the stack's
 * redrive policy to a DLQ), and an event source with the stack's own settings invokes the sender
 * handler in modelled containers, against dynalite, an SES that keeps a rate and a 24-hour quota,
 * and a loopback Secrets Manager. Lambda's rules that no server has are in their own modules:
 * lambda-timeout.ts and recursive-loop.ts.
 *
 * @example
 * const twin = await StackTwin.start({ config, time: 'virtual', ses: { rate: 14, dailyQuota: 12_000 } });
 * try {
 *   await seedConfirmedReaders(twin, 'tech-weekly', 20_000);
 *   await twin.runDigest('tech-weekly');
 *   await twin.drain();
 * } finally {
 *   await twin.close();
 * }
 */
export class StackTwin {
  readonly tableName: string;
  readonly settings: TwinSettings;
  /** The token key the functions read from Secrets Manager: subscriber ids are keyed with it. */
  readonly tokenKey: Buffer;
  readonly dynamodb: DynamoDBClient;
  readonly eventSource: SqsEventSource;
  readonly queueUrl: string;
  readonly deadLetterUrl: string;
  /** How another process reaches this twin: what `newsletter dev --stack-twin` records in the data dir. */
  readonly endpoints: TwinEndpoints;
  private readonly closers: (() => Promise<void> | void)[] = [];
  private serving?: Promise<void>;
  private readonly functionEnv: Record<string, string>;
  /** Set once the twin has started: the one-time schedules of the stack's wake-up group. */
  private scheduler?: SchedulerEndpoint;

  private constructor(
    readonly time: TwinTime,
    /** The twin's own SES (a rate, a 24-hour quota, faults); undefined beside the dev server, which has its own. */
    readonly ses: FaultySesServer | undefined,
    private readonly sqsServer: FauxqsServer,
    parts: {
      handlerOf: typeof sendBatchHandler;
      settings: TwinSettings;
      tokenKey: Buffer;
      endpoints: Record<string, string>;
      dynamodb: DynamoDBClient;
      queueUrl: string;
      deadLetterUrl: string;
      functionEnv: Record<string, string>;
      sqs: SQSClient;
      kills?: { share: number; random: () => number };
    },
  ) {
    this.settings = parts.settings;
    this.tokenKey = parts.tokenKey;
    this.tableName = parts.functionEnv.TABLE_NAME!;
    this.dynamodb = parts.dynamodb;
    this.queueUrl = parts.queueUrl;
    this.deadLetterUrl = parts.deadLetterUrl;
    this.functionEnv = parts.functionEnv;
    this.endpoints = { endpoints: parts.endpoints, functionEnv: parts.functionEnv };
    const { batchSize, maxConcurrency, timeoutSeconds, memoryMb, recursiveLoop } = parts.settings;
    this.eventSource = new SqsEventSource({
      sqs: parts.sqs,
      queueUrl: parts.queueUrl,
      deadLetterUrl: parts.deadLetterUrl,
      queueState: (now) => this.queueState(QUEUE, now),
      time,
      settings: { batchSize, maxConcurrency, timeoutSeconds, memoryMb, recursiveLoop },
      newContainer: () => new SenderContainer(parts.handlerOf, { ...this.functionEnv, SES_SENDERS: String(maxConcurrency) }, time, this.eventSource.wake),
      ...(parts.kills ? { kills: parts.kills } : {}),
      ...(time.virtual ? {} : { pollMs: REAL_TIME_POLL_MS }),
    });
  }

  static async start(options: StackTwinOptions): Promise<StackTwin> {
    const settings = stackSettings(options.ses.rate, options.settings);
    const seed = options.seed ?? 1;
    const savedEnv = Object.fromEntries(PROCESS_ENV.map((name) => [name, process.env[name]]));
    const closers: (() => Promise<void> | void)[] = [];
    const close = async () => {
      for (const closer of closers.reverse()) await closer();
    };
    closers.push(() => {
      for (const [name, value] of Object.entries(savedEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    try {
      const virtual = options.time === 'virtual' ? new VirtualClock(options.startAt) : undefined;
      const time = virtual ? virtualTime(virtual) : realTime();
      // Handlers log and emit metrics per batch; a simulated edition is thousands of batches.
      process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
      process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

      let dynamodbEndpoint: string;
      let sesEndpoint: string;
      let ses: FaultySesServer | undefined;
      if (options.local) {
        ({ dynamodb: dynamodbEndpoint, ses: sesEndpoint } = options.local);
      } else {
        const dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-twin-'));
        closers.push(() => rm(dataDir, { recursive: true, force: true }));
        const services: EmbeddedServers = await startEmbeddedServers({ dataDir });
        closers.push(() => services.close());
        const faulty = await FaultySesServer.start({
          rate: options.ses.rate,
          now: time.now,
          faultProbability: options.ses.faultProbability ?? 0,
          seed,
          quota: { maxSendRate: options.ses.rate, max24HourSend: options.ses.dailyQuota ?? -1 },
        });
        closers.push(() => faulty.close());
        ses = faulty;
        dynamodbEndpoint = services.endpoints.dynamodb;
        sesEndpoint = faulty.endpoint;
      }
      // The data dir's key is bytes (SecretBinary); the twin's own a string, as the stack generates one.
      const secretValue: string | Buffer = options.local?.tokenKey ?? randomBytes(36).toString('base64url');
      const secrets = await startSecretsEndpoint({ arn: SECRET_ARN, value: secretValue });
      closers.push(() => secrets.close());
      const sqsServer = await startFauxqs({ port: 0, logger: false });
      closers.push(() => sqsServer.stop());
      const deadLetter = sqsServer.createQueue(DEAD_LETTER_QUEUE, { attributes: { MessageRetentionPeriod: String(1_209_600) } });
      const queue = sqsServer.createQueue(QUEUE, {
        attributes: {
          VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(settings.retentionSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.queueArn, maxReceiveCount: settings.maxReceiveCount }),
        },
      });

      // fauxqs names its queues http://sqs.<region>.localhost:<port>/…, and the SDK sends to the
      // queue URL's host: *.localhost resolves to loopback while the twin runs.
      closers.push(interceptLocalhostDns());
      const sqsEndpoint = new URL(queue.queueUrl).origin;
      // The stack's wake-up schedules (Delivery.grantWakeUps): a model on loopback, started before
      // the twin exists, whose fired schedules wake the twin's event source once it does.
      let twinRef: StackTwin | undefined;
      const schedulerSqs = new SQSClient({ region: REGION, endpoint: sqsEndpoint, credentials: { accessKeyId: 'twin', secretAccessKey: 'twin' } });
      closers.push(() => schedulerSqs.destroy());
      const scheduler =
        options.wakeUpSchedules === false
          ? undefined
          : await startSchedulerEndpoint({
              time,
              sqs: schedulerSqs,
              queueUrls: { [queue.queueArn]: queue.queueUrl, [deadLetter.queueArn]: deadLetter.queueUrl },
              onSent: () => twinRef?.eventSource.wake(),
            });
      if (scheduler) closers.push(() => scheduler.close());
      const twinEndpoints = {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'twin',
        AWS_SECRET_ACCESS_KEY: 'twin',
        AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
        AWS_ENDPOINT_URL_SES: sesEndpoint,
        AWS_ENDPOINT_URL_SQS: sqsEndpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
        ...(scheduler ? { AWS_ENDPOINT_URL_SCHEDULER: scheduler.url } : {}),
      };
      Object.assign(process.env, {
        ...twinEndpoints,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      });
      const credentials = { accessKeyId: 'twin', secretAccessKey: 'twin' };
      const dynamodb = new DynamoDBClient({ region: REGION, endpoint: dynamodbEndpoint, credentials });
      closers.push(() => dynamodb.destroy());
      const sqs = new SQSClient({ region: REGION, endpoint: sqsEndpoint, credentials });
      closers.push(() => sqs.destroy());
      if (virtual) holdWhileCalling(sqs as unknown as PreparedClient, virtual);
      const tableName = options.local?.tableName ?? 'newsletter';
      await ensureTable(dynamodb, tableName);

      // Installed last, removed first: fauxqs reads Date.now() and has no clock option.
      if (virtual) closers.push(installTimeWarp(virtual));
      const random = mulberry32(seed ^ 0x5f3759df);
      // Loaded here, not imported at the top: Powertools reads its environment when the module loads.
      const { sendBatchHandler: handlerOf } = await import('../../handlers/send-batch.js');
      const twin = new StackTwin(time, ses, sqsServer, {
        handlerOf,
        settings,
        tokenKey: typeof secretValue === 'string' ? Buffer.from(secretValue, 'utf8') : secretValue,
        endpoints: twinEndpoints,
        dynamodb,
        queueUrl: queue.queueUrl,
        deadLetterUrl: deadLetter.queueUrl,
        sqs,
        functionEnv: {
          TABLE_NAME: tableName,
          SEND_QUEUE_URL: queue.queueUrl,
          TOKEN_SECRET_ARN: SECRET_ARN,
          NEWSLETTER_CONFIG: JSON.stringify(options.config),
          ...(scheduler
            ? { WAKE_UP_GROUP: 'twin-wake-ups', WAKE_UP_ROLE_ARN: WAKE_UP_ROLE_ARN, SEND_QUEUE_ARN: queue.queueArn, SEND_DEAD_LETTER_ARN: deadLetter.queueArn }
            : {}),
        },
        ...(options.senderTimeouts ? { kills: { share: options.senderTimeouts, random } } : {}),
      });
      twin.closers.push(close);
      if (scheduler) twin.scheduler = scheduler;
      twinRef = twin;
      return twin;
    } catch (error) {
      await close();
      throw error;
    }
  }

  /** The clock the functions run on (virtual in a simulated run). */
  get clock(): TwinTime['clock'] {
    return this.time.clock;
  }

  /**
   * A function of the stack other than the sender (the digest), or the operator's `--aws` commands:
   * an AwsContext over the twin's servers, whose messages start a recursive-loop chain.
   */
  context(clock: TwinTime['clock'] = this.time.clock): AwsContext {
    return new AwsContext(this.functionEnv, undefined, clock, {
      prepareClient: (client) => prepareTwinClient(client as unknown as PreparedClient, this.time, () => 0, this.eventSource.wake),
    });
  }

  /** Runs the scheduled digest function once, as EventBridge Scheduler would. */
  async runDigest(newsletterId: string): Promise<DigestRunSummary> {
    const { digestHandler } = await import('../../handlers/digest.js');
    return this.operate((context) => digestHandler(() => context)({ newsletterId }, { awsRequestId: randomUUID() }));
  }

  /** Runs work (a function other than the sender, an operator's command) in its own scope on the twin's clock. */
  operate<T>(work: (context: AwsContext) => Promise<T>): Promise<T> {
    const scope = this.time.scope();
    const context = this.context({ now: () => this.time.clock.now(), sleep: (ms) => scope.sleep(ms) });
    return scope.run(() => work(context));
  }

  /** Runs the sender's event source until the send queue is quiet: nothing ready, delayed or in flight. */
  drain(): Promise<void> {
    return this.eventSource.run({ untilQuiet: true });
  }

  /**
   * Runs the sender's event source until `close` (`newsletter dev --stack-twin`): it takes what the
   * digest queues, here or from another process, as the deployed event source mapping does.
   */
  serve(): Promise<void> {
    return (this.serving ??= this.eventSource.run({ untilQuiet: false }));
  }

  /** While `serve` runs: resolves once the send queue is next quiet (nothing ready, delayed or in flight, no sender running). */
  settled(): Promise<void> {
    return this.eventSource.whenQuiet();
  }

  get stats(): EventSourceStats {
    return this.eventSource.stats;
  }

  /** Messages in the dead-letter queue now. */
  deadLettered(): number {
    return this.queueState(DEAD_LETTER_QUEUE, this.time.now()).total;
  }

  /** The send queue's state on the SQS server. */
  sendQueue(): QueueState {
    return this.queueState(QUEUE, this.time.now());
  }

  async close(): Promise<void> {
    this.eventSource.stop();
    // The invocations running finish before the servers they talk to stop.
    await this.serving;
    for (const closer of this.closers.splice(0)) await closer();
  }

  /** Wake-up schedules made by the senders so far. */
  get wakeUpsScheduled(): number {
    return this.scheduler?.created ?? 0;
  }

  /** A queue's state on the SQS server; the send queue's counts the schedules that will send to it as delayed messages. */
  private queueState(name: string, now: number): QueueState {
    const queue = this.sqsServer.inspectQueue(name);
    if (!queue) throw new Error(`the twin's SQS server has no queue ${name}: it was started without it`);
    const { ready, delayed, inflight } = queue.messages;
    let available = ready.length;
    let nextVisibleAt: number | undefined;
    const scheduled = name === QUEUE ? this.scheduler?.pending() : undefined;
    if (scheduled?.nextAt !== undefined) nextVisibleAt = scheduled.nextAt;
    const visibleAt = (at: number) => {
      if (at <= now) available++;
      else if (nextVisibleAt === undefined || at < nextVisibleAt) nextVisibleAt = at;
    };
    for (const message of delayed) visibleAt(message.delayUntil ?? 0);
    for (const entry of inflight) visibleAt(entry.visibilityDeadline);
    const total = ready.length + delayed.length + inflight.length + (scheduled?.count ?? 0);
    return { available, total, ...(nextVisibleAt !== undefined ? { nextVisibleAt } : {}) };
  }
}
