import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { guardRule } from '../nag-findings.js';

export interface DeadLetterQueueProps {
  /**
   * What this queue catches, when it is a dead-letter queue for something other than an SQS queue
   * (a schedule, an SNS subscription, asynchronous invocations): cdk-nag cannot see that and asks
   * for a DLQ of its own, so the finding is acknowledged with this as the reason.
   */
  catches?: string;
}

/** Where failed work waits for a person: encrypted, TLS only, kept for the SQS maximum of 14 days. */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps = {}) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this).acknowledge({
      id: guardRule('sqs_dlq_check'),
      reason:
        'This queue is itself a dead-letter queue: a message here waits for a person (an alarm fires on it), and a further queue behind it would only hide it.',
    });
    if (props.catches) {
      Validations.of(this).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself the dead-letter queue of ${props.catches}.` });
    }
  }
}
