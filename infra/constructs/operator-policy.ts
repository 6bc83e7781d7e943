import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CommandPolicy, partitionStatement, SENT_ARTICLE_PARTITIONS } from './command-policy.js';

export interface OperatorPolicyProps {
  /** The stack's table: editions, the ledger and subscribers. */
  table: dynamodb.ITable;
  /** The queue the senders drain. */
  sendQueue: sqs.IQueue;
}

/**
 * What an operator's `newsletter editions … --aws` commands call, and nothing else, as a managed
 * policy an operator's role or group attaches (its ARN is a stack output): the stack's outputs
 * (DescribeStacks, to find the table and queue), reads of the table (Get, BatchGet, Query: list, show
 * and the readers without the edition), UpdateItem (approve, skip, resume, resend move an edition on)
 * DeleteItem on the sent-article marks only (skip releases a draft's articles), and SendMessage on
 * the send queue (resume, resend and approve queue batches; it also covers SendMessageBatch). No
 * Scan, no Put, no other Delete: no `--aws` command makes them, and no mail is sent from the
 * operator's machine.
 *
 * @example
 * const operator = new OperatorPolicy(this, 'Operator', { table: table.table, sendQueue: delivery.queue });
 * new CfnOutput(this, 'OperatorPolicyArn', { value: operator.policy.managedPolicyArn });
 */
export class OperatorPolicy extends CommandPolicy {
  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    const stack = Stack.of(scope);
    super(scope, id, `Operator commands (newsletter editions ... --aws) against stack ${stack.stackName}`, [
      new iam.PolicyStatement({ sid: 'ReadStackOutputs', actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }),
      new iam.PolicyStatement({
        sid: 'ReadAndMoveEditions',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
      // `editions skip --aws` forgets that the skipped draft's articles went out, so the next edition
      // carries them: it deletes those marks, and IAM lets it delete nothing else (their partition
      // keys are NL#<newsletter>#ARTICLE, see functions/adapters/dynamodb/table.ts).
      partitionStatement('ReleaseSkippedArticles', 'dynamodb:DeleteItem', props.table, 'ForAllValues:StringLike', SENT_ARTICLE_PARTITIONS),
      new iam.PolicyStatement({ sid: 'QueueBatchesForTheSenders', actions: ['sqs:SendMessage'], resources: [props.sendQueue.queueArn] }),
    ]);
  }
}
