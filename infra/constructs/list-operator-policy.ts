import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CommandPolicy, partitionStatement, SUBSCRIBER_PARTITIONS, SUPPRESSION_PARTITION } from './command-policy.js';

export interface ListOperatorPolicyProps {
  table: dynamodb.ITable;
  /** The token secret: subscriber ids are keyed with a key derived from it. */
  tokenSecret: secretsmanager.ISecret;
}

/**
 * What `newsletter subscribers add|import|remove|unsuppress --aws` call on top of the operator
 * policy (which already reads the table and updates items): GetSecretValue on the token secret
 * (a subscriber id is a keyed hash of the address, keyed from it), PutItem on subscriber records
 * only (add and import create them) and DeleteItem on suppressions only (unsuppress lifts one).
 * Listing and exporting need only the operator policy. A separate policy because reading the
 * secret is more trust than moving editions on: attach it only to whoever manages the list.
 *
 * @example
 * const list = new ListOperatorPolicy(this, 'ListOperator', { table: table.table, tokenSecret: secret.secret });
 */
export class ListOperatorPolicy extends CommandPolicy {
  constructor(scope: Construct, id: string, props: ListOperatorPolicyProps) {
    super(scope, id, `List commands (newsletter subscribers ... --aws) against stack ${Stack.of(scope).stackName}; with the operator policy`, [
      new iam.PolicyStatement({ sid: 'KeySubscriberIds', actions: ['secretsmanager:GetSecretValue'], resources: [props.tokenSecret.secretArn] }),
      partitionStatement('AddSubscribers', 'dynamodb:PutItem', props.table, 'ForAllValues:StringLike', SUBSCRIBER_PARTITIONS),
      partitionStatement('LiftSuppressions', 'dynamodb:DeleteItem', props.table, 'ForAllValues:StringEquals', SUPPRESSION_PARTITION),
    ]);
  }
}
