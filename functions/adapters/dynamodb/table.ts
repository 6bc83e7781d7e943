import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { fnv1a } from '../../core/delivery/groups.js';
import { StoreError } from '../../core/errors.js';

/**
 * One table holds everything (subscribers, suppressions, editions, sent articles, the delivery
 * ledger), keyed by `pk`/`sk` strings. Items that only matter for a while carry `expiresAt`
 * (epoch seconds) for DynamoDB's TTL.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

export const DEFAULT_TABLE_NAME = 'newsletter';

export const keys = {
  subscriber: (newsletterId: string, id: string) => ({ pk: `NL#${newsletterId}#SUB`, sk: id }),
  subscribers: (newsletterId: string) => `NL#${newsletterId}#SUB`,
  suppression: (subscriberId: string) => ({ pk: 'SUPPRESSION', sk: subscriberId }),
  /** One item per SES feedback notification handled; its own partition, as feedback ids are random. */
  feedback: (feedbackKey: string) => ({ pk: `FEEDBACK#${feedbackKey}`, sk: 'handled' }),
  edition: (newsletterId: string, editionId: string) => ({ pk: `NL#${newsletterId}#EDITION`, sk: editionId }),
  editions: (newsletterId: string) => `NL#${newsletterId}#EDITION`,
  rendered: (newsletterId: string, editionId: string) => ({ pk: `NL#${newsletterId}#RENDER`, sk: editionId }),
  sentArticle: (newsletterId: string, key: string) => ({ pk: `NL#${newsletterId}#ARTICLE`, sk: key }),
  delivery: (editionId: string, subscriberId: string) => ({ pk: `ED#${editionId}#DELIVERY#${deliveryShard(subscriberId)}`, sk: subscriberId }),
  /** The lock on one delivery group of an edition (see deliveryGroupOf): outside the delivery partitions, so reports never count it. */
  deliveryGroup: (editionId: string, group: string) => ({ pk: `ED#${editionId}#GROUP`, sk: group }),
  /** Every partition of an edition's delivery records, to query them all (the edition's counters are the cheap report). */
  deliveryPartitions: (editionId: string) => Array.from({ length: DELIVERY_SHARDS }, (_, shard) => `ED#${editionId}#DELIVERY#${shard}`),
  signUpLimit: (window: string, counter: string) => ({ pk: `SIGNUP#${window}`, sk: counter }),
  /** One quarter-hour bucket of the account's shared 24-hour send tally (see core/send-budget.ts); the number zero-padded so buckets sort in time. */
  sendBudget: (bucket: number) => ({ pk: 'SENDBUDGET', sk: String(bucket).padStart(12, '0') }),
  /** A language model's key points for one article, model and prompt version (see DynamoKeyPointCache). */
  keyPointCache: (key: string) => ({ pk: `KPCACHE#${key}`, sk: 'answer' }),
  sendBudgetRange: (fromBucket: number, toBucket: number) => ({
    pk: 'SENDBUDGET',
    from: String(fromBucket).padStart(12, '0'),
    to: String(toBucket).padStart(12, '0'),
  }),
};

/**
 * The table's partition families as IAM `dynamodb:LeadingKeys` patterns (StringLike: `*` is any
 * text), one per kind of item in `keys` above. The stack grants each function only the families it
 * uses (infra/constructs/newsletter-table.ts); tests/adapters/dynamodb/table.test.ts checks that
 * every key above falls in its family, so a new kind of item cannot go ungranted unnoticed.
 */
export const PARTITIONS = {
  subscribers: 'NL#*#SUB',
  suppressions: 'SUPPRESSION',
  feedback: 'FEEDBACK#*',
  editions: 'NL#*#EDITION',
  renders: 'NL#*#RENDER',
  sentArticles: 'NL#*#ARTICLE',
  /** The delivery ledger and the delivery-group locks of every edition. */
  deliveries: 'ED#*',
  signUpLimits: 'SIGNUP#*',
  sendBudget: 'SENDBUDGET',
  keyPointCache: 'KPCACHE#*',
} as const;

export type Partition = keyof typeof PARTITIONS;

/**
 * A DynamoDB partition takes about 1,000 writes/s, and each delivery writes its record once (sent or
 * failed): with one partition per edition the table, not SES, would cap a send near 1,000
 * messages/s. Sixteen partitions keep an account of 1,000/s and more clear of the table's limit.
 * (The group locks, two writes per 50 readers, share one partition of their own.)
 */
export const DELIVERY_SHARDS = 16;

/** The partition of one subscriber's delivery record: FNV-1a of the id, so any id format spreads evenly. */
function deliveryShard(subscriberId: string): number {
  return fnv1a(subscriberId) % DELIVERY_SHARDS;
}

/** Creates the table when it does not exist (local servers and tests; on AWS the CDK stack owns it). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    // Two local commands starting at once may both try; the loser finds the table there.
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  // dynalite creates tables asynchronously (CREATING → ACTIVE), like DynamoDB.
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new StoreError(`DynamoDB table ${tableName} did not become active: check the DynamoDB endpoint`);
}
