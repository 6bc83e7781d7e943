import { z } from 'zod';
import { MIN_SEND_RATE, parseConfig, type Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/**
 * The environment the CDK stack gives each Lambda function. The construct that grants a function
 * access to a resource also sets the variable naming it, so a function sees only what it may use.
 */
export const ENV_NAMES = {
  tableName: 'TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  sendQueueUrl: 'SEND_QUEUE_URL',
  /** The send queue's and its DLQ's ARNs, targets of the sender's one-time wake-up schedules. */
  sendQueueArn: 'SEND_QUEUE_ARN',
  sendDeadLetterArn: 'SEND_DEAD_LETTER_ARN',
  /** The EventBridge Scheduler group the sender creates its wake-up schedules in, and the role they send with. */
  wakeUpGroup: 'WAKE_UP_GROUP',
  wakeUpRoleArn: 'WAKE_UP_ROLE_ARN',
  /** The id key's secret (the key first deployed, which keys subscriber ids and never changes). */
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  /** The signing keys of a rotation (a JSON document, docs/security.md); absent before the first rotation. */
  signingKeysSecretArn: 'TOKEN_SIGNING_KEYS_ARN',
  configurationSet: 'SES_CONFIGURATION_SET',
  /** CloudFront's origin-verify secret, with -c perClientLimits: the client address is read from CloudFront's header beside it. */
  originVerify: 'ORIGIN_VERIFY',
  /** The newsletter configuration (newsletter.config.json) as JSON. */
  config: 'NEWSLETTER_CONFIG',
  /** Messages per second for one sender; default: the SES account's maximum send rate. */
  sendRate: 'SES_SEND_RATE',
  /** How many senders may run at once: each takes this share of the account's rate, read from GetSendQuota at run time. */
  senders: 'SES_SENDERS',
  /** Set by Lambda: where the bundle (with its templates) is unpacked. */
  taskRoot: 'LAMBDA_TASK_ROOT',
} as const;

const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1).optional(),
  SEND_QUEUE_URL: z.string().url().optional(),
  SEND_QUEUE_ARN: z.string().min(1).optional(),
  SEND_DEAD_LETTER_ARN: z.string().min(1).optional(),
  WAKE_UP_GROUP: z.string().min(1).optional(),
  WAKE_UP_ROLE_ARN: z.string().min(1).optional(),
  TOKEN_SECRET_ARN: z.string().min(1).optional(),
  TOKEN_SIGNING_KEYS_ARN: z.string().min(1).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  ORIGIN_VERIFY: z.string().min(32).optional(),
  NEWSLETTER_CONFIG: z.string().min(2),
  SES_SEND_RATE: z.coerce.number().min(MIN_SEND_RATE, `must be at least ${MIN_SEND_RATE} messages per second`).optional(),
  SES_SENDERS: z.coerce.number().int().positive().optional(),
  LAMBDA_TASK_ROOT: z.string().min(1).optional(),
});

export interface FunctionEnvironment {
  tableName: string;
  bucketName?: string;
  sendQueueUrl?: string;
  /** All four set: a long wait sleeps in a one-time schedule (adapters/scheduler/). */
  wakeUps?: { groupName: string; roleArn: string; queueArn: string; deadLetterArn: string };
  tokenSecretArn?: string;
  signingKeysSecretArn?: string;
  configurationSet?: string;
  originVerify?: string;
  sendRate?: number;
  senders?: number;
  taskRoot?: string;
  config: Config;
}

/** Parses the function's environment once at cold start; a missing variable names itself. */
export function readEnvironment(env: Record<string, string | undefined>): FunctionEnvironment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `function environment is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}: check the stack`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(parsed.data.NEWSLETTER_CONFIG);
  } catch (error) {
    throw new ConfigError('NEWSLETTER_CONFIG is not valid JSON: check the stack', { cause: error });
  }
  const config = parseConfig(json);
  if (!config.ok) throw new ConfigError(`NEWSLETTER_CONFIG is invalid: ${config.errors.join('; ')}`);
  const e = parsed.data;
  return {
    tableName: e.TABLE_NAME,
    config: config.config,
    ...(e.BUCKET_NAME ? { bucketName: e.BUCKET_NAME } : {}),
    ...(e.SEND_QUEUE_URL ? { sendQueueUrl: e.SEND_QUEUE_URL } : {}),
    ...(e.WAKE_UP_GROUP && e.WAKE_UP_ROLE_ARN && e.SEND_QUEUE_ARN && e.SEND_DEAD_LETTER_ARN
      ? { wakeUps: { groupName: e.WAKE_UP_GROUP, roleArn: e.WAKE_UP_ROLE_ARN, queueArn: e.SEND_QUEUE_ARN, deadLetterArn: e.SEND_DEAD_LETTER_ARN } }
      : {}),
    ...(e.TOKEN_SECRET_ARN ? { tokenSecretArn: e.TOKEN_SECRET_ARN } : {}),
    ...(e.TOKEN_SIGNING_KEYS_ARN ? { signingKeysSecretArn: e.TOKEN_SIGNING_KEYS_ARN } : {}),
    ...(e.SES_CONFIGURATION_SET ? { configurationSet: e.SES_CONFIGURATION_SET } : {}),
    ...(e.ORIGIN_VERIFY ? { originVerify: e.ORIGIN_VERIFY } : {}),
    ...(e.SES_SEND_RATE ? { sendRate: e.SES_SEND_RATE } : {}),
    ...(e.SES_SENDERS ? { senders: e.SES_SENDERS } : {}),
    ...(e.LAMBDA_TASK_ROOT ? { taskRoot: e.LAMBDA_TASK_ROOT } : {}),
  };
}

/**
 * The variables Powertools and Lambda give every function for observability, read at module load
 * (before, and apart from, the stack's variables above: a handler module loads in tests without
 * them). Powertools reads its other settings itself; these two are the ones this code uses.
 */
const observabilitySchema = z.object({
  /** Set by the stack; without it the metrics go to the project's own namespace. */
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).optional().catch(undefined),
  /** Set by Lambda: the handler's module and export, which names the invocation's trace subsegment. */
  _HANDLER: z.string().min(1).optional().catch(undefined),
});

export interface ObservabilityEnvironment {
  metricsNamespace?: string;
  handler?: string;
}

/** An empty or absent variable means the default, each on its own; these never fail a cold start. */
export function readObservabilityEnvironment(env: Record<string, string | undefined>): ObservabilityEnvironment {
  const e = observabilitySchema.parse(env);
  return {
    ...(e.POWERTOOLS_METRICS_NAMESPACE ? { metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE } : {}),
    ...(e._HANDLER ? { handler: e._HANDLER } : {}),
  };
}
