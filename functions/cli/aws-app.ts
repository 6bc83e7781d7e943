import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { subscriberIdKey, subscriberIdWithKey } from '../core/subscriber.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_STACK_NAME, OPERATOR_OUTPUTS, readStackOutputs } from '../adapters/cloudformation/stack-outputs.js';
import { dynamoStores } from '../adapters/dynamodb/stores.js';
import { sdkClientConfig } from '../adapters/sdk-client-config.js';
import { readTokenSecret } from '../adapters/secrets/token-secret.js';
import { SqsSendQueue } from '../adapters/sqs/sqs-send-queue.js';
import type { SendQueue } from '../ports/send-queue.js';
import type { AppServices } from '../wiring/app-services.js';
import { loadNewsletter, type GlobalOptions } from './local-app.js';

/** The options that turn an operator's command towards the deployed stack. */
export interface AwsTargetOptions {
  aws?: boolean;
  stack?: string;
}

/** Whether the command acts on the deployed stack (`--aws`, or a stack named with `--stack`). */
export function wantsAws(options: AwsTargetOptions): boolean {
  return Boolean(options.aws || options.stack);
}

/** Where the deployed resources are: from NEWSLETTER_TABLE / NEWSLETTER_SEND_QUEUE_URL, else the stack's outputs. */
export interface StackTarget {
  stackName: string;
  tableName: string;
  /** Undefined when neither the variable nor the stack names it (a stack deployed before it had the output). */
  sendQueueUrl?: string;
  /** The token secret (NEWSLETTER_TOKEN_SECRET_ARN or the stack output); read only by the list commands that key subscriber ids. */
  tokenSecretArn?: string;
  /** The deployed sign-up page (`<API>/subscribe`), when the stack outputs were read. */
  subscribePageUrl?: string;
  /** How the names were found, for the operator to check. */
  source: 'environment' | 'stack outputs';
}

/**
 * Finds the table and send queue of the deployed stack. Both variables set: no CloudFormation call
 * (an operator without cloudformation:DescribeStacks can still work); otherwise the stack's outputs
 * fill in what the variables leave open.
 */
async function resolveStackTarget(
  options: AwsTargetOptions,
  env: Record<string, string | undefined>,
  cloudformation: () => CloudFormationClient,
): Promise<StackTarget> {
  const stackName = options.stack ?? DEFAULT_STACK_NAME;
  const tableFromEnv = env.NEWSLETTER_TABLE;
  const queueFromEnv = env.NEWSLETTER_SEND_QUEUE_URL;
  const secretFromEnv = env.NEWSLETTER_TOKEN_SECRET_ARN;
  if (tableFromEnv && queueFromEnv) {
    return {
      stackName,
      tableName: tableFromEnv,
      sendQueueUrl: queueFromEnv,
      ...(secretFromEnv ? { tokenSecretArn: secretFromEnv } : {}),
      source: 'environment',
    };
  }
  const client = cloudformation();
  try {
    const outputs = await readStackOutputs(client, stackName);
    const tableName = tableFromEnv ?? outputs[OPERATOR_OUTPUTS.tableName];
    if (!tableName)
      throw new ConfigError(
        `stack "${stackName}" has no output ${OPERATOR_OUTPUTS.tableName}: is it the newsletter's stack? Name it with --stack NAME, or set NEWSLETTER_TABLE`,
      );
    const sendQueueUrl = queueFromEnv ?? outputs[OPERATOR_OUTPUTS.sendQueueUrl];
    const tokenSecretArn = secretFromEnv ?? outputs[OPERATOR_OUTPUTS.tokenSecretArn];
    const subscribePageUrl = outputs[OPERATOR_OUTPUTS.subscribePage];
    return {
      stackName,
      tableName,
      ...(sendQueueUrl ? { sendQueueUrl } : {}),
      ...(tokenSecretArn ? { tokenSecretArn } : {}),
      ...(subscribePageUrl ? { subscribePageUrl } : {}),
      source: 'stack outputs',
    };
  } finally {
    client.destroy();
  }
}

export type AwsApp = Awaited<ReturnType<typeof openAwsApp>>;

/**
 * The part of `AppServices` an operator's machine can honestly provide against the stack. No
 * mailer: sending stays with the stack's senders, never this machine's credentials. No token key:
 * it lives in the stack's secret, and no `--aws` command signs reader links or keys a new
 * subscriber id (giving one would mean every operator may read the secret). The stores come from
 * the same `dynamoStores` the Lambda context and the local app use. The list commands that key a
 * subscriber id (add, import, remove, unsuppress) ask `subscriberIds()`, which reads the secret
 * only then and keeps only the id key derived from it, never the link-signing key.
 */
type AwsOperatorServices = Omit<AppServices, 'mailer' | 'tokenKeys'>;

/**
 * What an operator's command needs against the deployed stack: the newsletter configuration from
 * the local file (the same file the stack was deployed from), and the stack's table and send queue
 * through the standard AWS credential chain, region and endpoint variables. No embedded server is
 * started and nothing is sent from this machine: sending stays with the stack's senders.
 */
export async function openAwsApp(options: GlobalOptions & AwsTargetOptions, env: Record<string, string | undefined> = process.env) {
  const loaded = await loadNewsletter(options);
  await requireRegion();
  const target = await resolveStackTarget(options, env, () => new CloudFormationClient(sdkClientConfig('cloudformation')));
  const dynamodb = new DynamoDBClient(sdkClientConfig('dynamodb'));
  // Not the send budget (the stack's senders share it) nor the key-point cache (the digest's): an
  // app that carried them would have the use cases it is handed to use them.
  const { sendBudget: _senders, keyPointCache: _digest, ...stores } = dynamoStores(dynamodb, target.tableName);
  let sqs: SQSClient | undefined;
  let idKey: Promise<Buffer> | undefined;
  const app = {
    ...loaded,
    target,
    ...stores,
    /** The stack's send queue; asked for only by the commands that queue work. */
    sendQueue(): SendQueue {
      if (!target.sendQueueUrl) {
        throw new ConfigError(
          `stack "${target.stackName}" has no output ${OPERATOR_OUTPUTS.sendQueueUrl}: deploy this version ` +
            `("npx cdk deploy"), or set NEWSLETTER_SEND_QUEUE_URL to the queue's URL`,
        );
      }
      sqs ??= new SQSClient(sdkClientConfig('sqs'));
      return new SqsSendQueue(sqs, target.sendQueueUrl);
    },
    /**
     * The subscriber id of an address, for the list commands that write (add, import, remove,
     * unsuppress): it is keyed with a key derived from the stack's token secret, read here once.
     * Only the derived id key is kept; the link-signing key itself is dropped at once.
     */
    async subscriberIds(): Promise<(email: string) => string> {
      if (!target.tokenSecretArn) {
        throw new ConfigError(
          `stack "${target.stackName}" names no token secret (output ${OPERATOR_OUTPUTS.tokenSecretArn}): set ` +
            `NEWSLETTER_TOKEN_SECRET_ARN to its ARN, or deploy this version ("npx cdk deploy")`,
        );
      }
      const arn = target.tokenSecretArn;
      idKey ??= (async () => {
        const client = new SecretsManagerClient(sdkClientConfig('secretsManager'));
        try {
          return subscriberIdKey(await readTokenSecret(client, arn));
        } finally {
          client.destroy();
        }
      })();
      idKey.catch(() => (idKey = undefined));
      const key = await idKey;
      return (email) => subscriberIdWithKey(key, email);
    },
    async close() {
      dynamodb.destroy();
      sqs?.destroy();
    },
  };
  return app satisfies AwsOperatorServices;
}

/** The SDK's own "Region is missing" names no fix; say which settings give one. */
async function requireRegion(): Promise<void> {
  const probe = new DynamoDBClient({});
  try {
    await probe.config.region();
  } catch (error) {
    throw new ConfigError('no AWS region for --aws: set AWS_REGION, or AWS_PROFILE with a region in ~/.aws/config', { cause: error });
  } finally {
    probe.destroy();
  }
}
