import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The partition keys of subscriber records (`keys.subscriber`), the only items a list operator may put. */
export const SUBSCRIBER_PARTITIONS = 'NL#*#SUB';
/** The partition key of suppressions (`keys.suppression`), the only items a list operator may delete. */
export const SUPPRESSION_PARTITION = 'SUPPRESSION';
/** The partition keys of the sent-article marks (`keys.sentArticle`), the only items an operator may delete. */
export const SENT_ARTICLE_PARTITIONS = 'NL#*#ARTICLE';

/**
 * A managed policy for one group of `newsletter … --aws` commands, which an operator's role or group
 * attaches (its ARN is a stack output): `description` names the commands and the stack, `statements`
 * allow what those commands call and nothing else.
 */
export class CommandPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, description: string, statements: iam.PolicyStatement[]) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', { description, statements });
  }
}

/**
 * One item action on the table, allowed only on items whose partition key matches `partitions`
 * (`StringLike` for a pattern such as NL#*#SUB, `StringEquals` for one key): the IAM condition key
 * dynamodb:LeadingKeys, see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
 */
export function partitionStatement(
  sid: string,
  action: string,
  table: dynamodb.ITable,
  test: 'ForAllValues:StringLike' | 'ForAllValues:StringEquals',
  partitions: string,
): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, actions: [action], resources: [table.tableArn], conditions: { [test]: { 'dynamodb:LeadingKeys': [partitions] } } });
}
