import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { HANDLER_ENTRIES } from '../handler-entries.js';
import { SENDER, senderCapacity, type SenderCapacity } from '../../functions/core/send-topology.js';
import type { MailSending } from './mail-sending.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { NewsletterFunction } from './newsletter-function.js';
import { FUNCTION_PARTITIONS, type NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';

export interface DeliveryProps {
  configJson: string;
  table: NewsletterTable;
  secret: TokenSecret;
  mail: MailSending;
  /** The SES account's maximum send rate, messages per second. */
  sendRate: number;
}

/** A batch that fails this many times goes to the DLQ; the ledger makes each retry skip who already has it. */
const MAX_RECEIVE_COUNT = SENDER.maxReceiveCount;
const SENDER_TIMEOUT = Duration.seconds(SENDER.timeoutSeconds);

/**
 * The fan-out: the digest queues batches of subscriber ids, and sender functions drain the queue,
 * as many at once as the SES send rate allows, each pacing itself to its share of that rate.
 */
export class Delivery extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly sender: NewsletterFunction;
  readonly capacity: SenderCapacity;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');
    this.queue = new sqs.Queue(this, 'SendQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(SENDER.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(SENDER.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.capacity = senderCapacity(props.sendRate);
    this.sender = new NewsletterFunction(this, 'Sender', {
      handler: HANDLER_ENTRIES['send-batch'],
      description: 'Sends queued batches of an edition through SES, paced to its share of the send rate',
      configJson: props.configJson,
      memorySize: SENDER.memoryMb,
      timeout: SENDER_TIMEOUT,
      // The sender re-queues on purpose (quota and lock waits, a batch cut at its time budget, fan-out
      // steps): allowed here and bounded by the hop budget each message carries (see SENDER.recursiveLoop).
      recursiveLoop: SENDER.recursiveLoop === 'Allow' ? lambda.RecursiveLoop.ALLOW : lambda.RecursiveLoop.TERMINATE,
    });
    // Each sender's rate is the account's MaxSendRate (read at run time) divided by the senders that
    // may run at once: a quota raise takes effect without a redeploy.
    this.sender.addEnvironment(ENV_NAMES.senders, String(this.capacity.maxConcurrency));
    props.table.grantReadWrite(this.sender, FUNCTION_PARTITIONS.sender);
    props.secret.grantRead(this.sender);
    props.mail.grantSendRaw(this.sender);
    props.mail.grantReadQuota(this.sender);
    // A batch that waits for the 24-hour quota is queued again with a delay, not failed towards the DLQ.
    this.grantEnqueue(this.sender);
    this.grantWakeUps();
    this.sender.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: SENDER.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: this.capacity.maxConcurrency,
      }),
    );
  }

  /**
   * A batch waiting longer than SQS can delay a message (the 24-hour quota's wait) sleeps in a
   * one-time EventBridge Scheduler schedule that puts it back on the queue and deletes itself
   * (docs/adr/0014). The sender may create schedules in its own group only and pass only the role
   * that may send to this queue and its DLQ; it can neither read, change nor delete schedules.
   */
  private grantWakeUps(): void {
    const stack = Stack.of(this);
    const group = new ScheduleGroup(this, 'WakeUps', {});
    const role = new iam.Role(this, 'WakeUpRole', {
      // Only schedules of this group may use it (the confused-deputy conditions of Scheduler's execution role).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': group.scheduleGroupArn } },
      }),
      description: "EventBridge Scheduler puts a sender's waiting batch back on the send queue",
    });
    this.queue.grantSendMessages(role);
    this.deadLetterQueue.grantSendMessages(role);
    const schedules = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group.scheduleGroupName}/*` });
    this.sender.addToRolePolicy(new iam.PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [schedules] }));
    this.sender.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    const groupSchedules = `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${String(stack.resolve(group.scheduleGroupName))}/*`;
    Validations.of(this.sender.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${groupSchedules}]`,
      reason:
        'The sender names each one-time wake-up schedule itself (wait-<uuid>), so it may create schedules in its own group only, by a wildcard on the name.',
    });
    this.sender.addEnvironment(ENV_NAMES.wakeUpGroup, group.scheduleGroupName);
    this.sender.addEnvironment(ENV_NAMES.wakeUpRoleArn, role.roleArn);
    this.sender.addEnvironment(ENV_NAMES.sendQueueArn, this.queue.queueArn);
    this.sender.addEnvironment(ENV_NAMES.sendDeadLetterArn, this.deadLetterQueue.queueArn);
  }

  /** Queues send batches; sets SEND_QUEUE_URL. */
  grantEnqueue(fn: NewsletterFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment(ENV_NAMES.sendQueueUrl, this.queue.queueUrl);
  }
}
