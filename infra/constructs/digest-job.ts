import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { NewsletterConfig } from '../../functions/core/config.js';
import { HANDLER_ENTRIES } from '../handler-entries.js';
import { wildcardArnFinding } from '../nag-findings.js';
import { toSchedulerCron } from '../scheduler-cron.js';
import type { ContentBucket } from './content-bucket.js';
import type { Delivery } from './delivery.js';
import type { MailSending } from './mail-sending.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { NewsletterFunction } from './newsletter-function.js';
import type { NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';

export interface DigestJobProps {
  newsletters: NewsletterConfig[];
  configJson: string;
  table: NewsletterTable;
  bucket: ContentBucket;
  secret: TokenSecret;
  mail: MailSending;
  delivery: Delivery;
}

/**
 * The scheduled digest: one EventBridge Scheduler schedule per newsletter, in the newsletter's own
 * time zone, invokes the digest function, which builds and renders the edition and queues it.
 * An invocation that Scheduler cannot deliver, or that still fails after Lambda's retries, lands in
 * the DLQ, where an alarm sees it; running the digest again resumes the same edition.
 */
export class DigestJob extends Construct {
  readonly function: NewsletterFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedules: Schedule[];

  constructor(scope: Construct, id: string, props: DigestJobProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', { catches: "the digest schedules and of the digest function's failed asynchronous invocations" });

    this.function = new NewsletterFunction(this, 'Digest', {
      handler: HANDLER_ENTRIES.digest,
      description: 'Builds, renders and queues the next edition of a newsletter',
      configJson: props.configJson,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    props.table.grantReadWrite(this.function);
    props.bucket.grantArticlesRead(this.function);
    props.bucket.grantEditionsWrite(this.function);
    props.delivery.grantEnqueue(this.function);
    props.secret.grantRead(this.function);
    props.mail.grantReadQuota(this.function);

    // One role for all schedules, trusted only by Scheduler acting for this account.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'EventBridge Scheduler invokes the digest function',
    });
    Validations.of(schedulerRole).acknowledge({
      id: wildcardArnFinding(this.function, ':*'),
      reason: 'lambda:InvokeFunction on the digest function and its own versions (ARN:*), as the Scheduler target grant writes it; no other function can be invoked.',
    });

    this.schedules = props.newsletters.map(
      (newsletter) =>
        new Schedule(this, `Schedule-${newsletter.id}`, {
          description: `Edition of "${newsletter.title}" (${newsletter.schedule.cron}, ${newsletter.schedule.timeZone})`.slice(0, 512),
          schedule: ScheduleExpression.expression(toSchedulerCron(newsletter.schedule.cron), TimeZone.of(newsletter.schedule.timeZone)),
          target: new LambdaInvoke(this.function, {
            role: schedulerRole,
            input: ScheduleTargetInput.fromObject({ newsletterId: newsletter.id }),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
          }),
        }),
    );
  }
}
