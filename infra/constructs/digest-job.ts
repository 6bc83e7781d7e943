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
import { FUNCTION_PARTITIONS, type NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';
import type { OwnTemplateFolder } from '../own-templates.js';

export interface DigestJobProps {
  newsletters: NewsletterConfig[];
  configJson: string;
  /** Newsletters' own template folders, copied into the function's bundle. */
  ownTemplates?: readonly OwnTemplateFolder[];
  table: NewsletterTable;
  bucket: ContentBucket;
  secret: TokenSecret;
  mail: MailSending;
  delivery: Delivery;
}

/**
 * The scheduled digest: one EventBridge Scheduler schedule per newsletter, in the newsletter's own
 * time zone, invokes the digest function, which builds and renders the edition and queues it; one
 * more, hourly, invokes it with `{"watch": true}` to measure how long editions have been sending.
 * An invocation that Scheduler cannot deliver, or that still fails after Lambda's retries, lands in
 * the DLQ, where an alarm sees it; running the digest again resumes the same edition.
 */
export class DigestJob extends Construct {
  readonly function: NewsletterFunction;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly schedules: Schedule[];
  /** Hourly `{"watch": true}`: publishes OldestSendingEditionHours for the stuck-sending alarm. */
  readonly watchSchedule: Schedule;

  constructor(scope: Construct, id: string, props: DigestJobProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      catches: "the digest schedules and of the digest function's failed asynchronous invocations",
    });

    this.function = new NewsletterFunction(this, 'Digest', {
      handler: HANDLER_ENTRIES.digest,
      description: 'Builds, renders and queues the next edition of a newsletter',
      configJson: props.configJson,
      ...(props.ownTemplates ? { ownTemplates: props.ownTemplates } : {}),
      memorySize: 1024,
      timeout: Duration.minutes(10),
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    props.table.grantReadWrite(this.function, FUNCTION_PARTITIONS.digest);
    props.bucket.grantArticlesRead(this.function);
    props.delivery.grantEnqueue(this.function);
    props.secret.grantRead(this.function);
    props.mail.grantReadQuota(this.function);
    // Drafts of a newsletter with approval "manual" are mailed to its operators by the digest itself.
    if (props.newsletters.some((n) => n.approval === 'manual')) props.mail.grantSendRaw(this.function);
    this.grantConfiguredSources(props.newsletters);
    this.grantBedrockModels(props.newsletters);

    // One role for all schedules, trusted only by Scheduler acting for this account.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'EventBridge Scheduler invokes the digest function',
    });
    Validations.of(schedulerRole).acknowledge({
      id: wildcardArnFinding(this.function, ':*'),
      reason:
        'lambda:InvokeFunction on the digest function and its own versions (ARN:*), as the Scheduler target grant writes it; no other function can be invoked.',
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

    // The watch reuses the digest function (its table access, configuration and logs) rather than a
    // function of its own with a role, log group, bundle and alarms: an hourly read of a few editions.
    this.watchSchedule = new Schedule(this, 'WatchSending', {
      description: 'Hourly: the age of the oldest edition still sending (metric OldestSendingEditionHours)',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(this.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({ watch: true }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
      }),
    });
  }

  /**
   * Reads the `s3` sources of the config that are not the stack's own bucket: list under the
   * configured prefix, read the objects under it, nothing else in those buckets.
   */
  private grantConfiguredSources(newsletters: NewsletterConfig[]): void {
    const stack = Stack.of(this);
    const seen = new Set<string>();
    for (const newsletter of newsletters) {
      for (const source of newsletter.sources) {
        if (source.type !== 's3') continue;
        const prefix = source.prefix ?? '';
        const key = `${source.bucket}/${prefix}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const bucketArn = stack.formatArn({ service: 's3', region: '', account: '', resource: source.bucket });
        this.function.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
        );
        this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${prefix}*`] }));
        Validations.of(this.function.role!).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${source.bucket}/${prefix}*]`,
          reason:
            `Newsletter "${newsletter.id}" reads its articles from s3://${source.bucket}/${prefix}, whose keys publishers ` +
            `choose at upload time, so the prefix needs a wildcard; nothing outside it is readable.`,
        });
      }
    }
  }

  /**
   * `bedrock:InvokeModel` (which the Converse API checks) on each configured model, only for
   * newsletters that use the Bedrock extractor. An inference profile id (`us.`, `eu.`, `global.` …)
   * routes to the model in several regions, so the profile and the model in any region are allowed.
   */
  private grantBedrockModels(newsletters: NewsletterConfig[]): void {
    const stack = Stack.of(this);
    const resources = new Set<string>();
    for (const newsletter of newsletters) {
      const modelId = newsletter.keyPoints.bedrockModelId?.trim();
      if (newsletter.keyPoints.extractor !== 'bedrock' || !modelId) continue;
      for (const arn of bedrockModelArns(modelId, stack)) resources.add(arn);
    }
    if (resources.size === 0) return;
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [...resources] }));
    for (const newsletter of newsletters) {
      const profile = INFERENCE_PROFILE.exec(newsletter.keyPoints.bedrockModelId?.trim() ?? '');
      if (newsletter.keyPoints.extractor !== 'bedrock' || !profile) continue;
      Validations.of(this.function.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${profile[2]}]`,
        reason:
          'A cross-region inference profile sends each call to the model in one of several regions chosen by Bedrock, so ' +
          'the model ARN must allow any region; only this one model is allowed.',
      });
    }
  }
}

/** Inference profile ids start with a geography; the model id follows it. */
const INFERENCE_PROFILE = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/;

/**
 * The ARNs `bedrock:InvokeModel` is checked against for a model or inference profile id.
 *
 * @example
 * bedrockModelArns('anthropic.claude-3-haiku-20240307-v1:0', stack) // [arn:…:bedrock:<region>::foundation-model/anthropic.claude-3-haiku-20240307-v1:0]
 */
function bedrockModelArns(modelId: string, stack: Stack): string[] {
  if (modelId.startsWith('arn:')) return [modelId];
  const profile = INFERENCE_PROFILE.exec(modelId);
  if (!profile) return [stack.formatArn({ service: 'bedrock', account: '', resource: 'foundation-model', resourceName: modelId })];
  return [
    stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: modelId }),
    stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: profile[2]! }),
  ];
}
