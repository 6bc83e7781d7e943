import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../../functions/adapters/dynamodb/table.js';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import type { NewsletterFunction } from './newsletter-function.js';

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

  /** Item reads and writes (no table administration); sets TABLE_NAME. */
  grantReadWrite(fn: NewsletterFunction): void {
    this.table.grantReadWriteData(fn);
    fn.addEnvironment(ENV_NAMES.tableName, this.table.tableName);
  }
}
