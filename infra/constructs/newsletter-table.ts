import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PARTITIONS, TABLE_KEYS, type Partition } from '../../functions/adapters/dynamodb/table.js';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import type { NewsletterFunction } from './newsletter-function.js';

/** What the functions do with items: every data-plane action that names its partition key. */
const ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * The partition families each function reads and writes (functions/adapters/dynamodb/table.ts),
 * read from the stores its use cases take. Where a function keeps a family it could mostly do
 * without, the reason is beside it; no function gets the others.
 */
export const FUNCTION_PARTITIONS = {
  /** Sends queued batches: readers, suppressions, the edition and its render, the ledger, the shared 24-hour quota. */
  sender: ['subscribers', 'suppressions', 'editions', 'renders', 'deliveries', 'sendBudget'],
  /**
   * Builds an edition (sent articles, key-point cache, editions and renders) and queues its readers
   * (subscribers, suppressions, the ledger's counts). SENDBUDGET: the digest's services include the
   * shared quota for the in-process send it falls back to without a queue.
   */
  digest: ['subscribers', 'suppressions', 'editions', 'renders', 'sentArticles', 'deliveries', 'sendBudget', 'keyPointCache'],
  /**
   * Sign-up, confirm, unsubscribe, preferences, erase (subscribers, suppressions, sign-up limits),
   * the welcome copy of the latest edition (editions, renders, the ledger), the archive, and the
   * review and edit links (editions, renders; a skipped or edited draft releases its sent articles).
   */
  subscriptionApi: ['subscribers', 'suppressions', 'signUpLimits', 'editions', 'renders', 'sentArticles', 'deliveries'],
  /** Bounces and complaints: suppressions, each notification once (FEEDBACK), the edition's bounce counts. */
  feedback: ['suppressions', 'feedback', 'editions'],
} as const satisfies Record<string, readonly Partition[]>;

/**
 * The one table of the product (subscribers, suppressions, editions, the delivery ledger): on-demand,
 * point-in-time recovery, encrypted, with a TTL for items that matter only for a while. It is kept
 * when the stack is deleted, because it holds the subscriber list and consent records.
 */
export class NewsletterTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Item reads and writes in the partition families the function uses, and nowhere else (no scan,
   * no table administration); sets TABLE_NAME. `dynamodb:LeadingKeys` is checked on every key of a
   * request, batches included; with ForAllValues a request that names no partition key would pass,
   * which is why Scan (the one item action without one) is not granted.
   */
  grantReadWrite(fn: NewsletterFunction, partitions: readonly Partition[]): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ItemsOfItsOwnPartitions',
        actions: ITEM_ACTIONS,
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions.map((p) => PARTITIONS[p]) } },
      }),
    );
    fn.addEnvironment(ENV_NAMES.tableName, this.table.tableName);
  }
}
