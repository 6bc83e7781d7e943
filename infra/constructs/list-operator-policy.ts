import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The partition keys of subscriber records (`keys.subscriber`), the only items a list operator may put. */
export const SUBSCRIBER_PARTITIONS = 'NL#*#SUB';
/** The partition key of suppressions (`keys.suppression`), the only items a list operator may delete. */
export const SUPPRESSION_PARTITION = 'SUPPRESSION';

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
export class ListOperatorPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ListOperatorPolicyProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `List commands (newsletter subscribers ... --aws) against stack ${Stack.of(this).stackName}; with the operator policy`,
      statements: [
        new iam.PolicyStatement({ sid: 'KeySubscriberIds', actions: ['secretsmanager:GetSecretValue'], resources: [props.tokenSecret.secretArn] }),
        new iam.PolicyStatement({
          sid: 'AddSubscribers',
          actions: ['dynamodb:PutItem'],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [SUBSCRIBER_PARTITIONS] } },
        }),
        new iam.PolicyStatement({
          sid: 'LiftSuppressions',
          actions: ['dynamodb:DeleteItem'],
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SUPPRESSION_PARTITION] } },
        }),
      ],
    });
  }
}
