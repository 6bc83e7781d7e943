import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../../functions/handlers/metric-names.js';

/** SES reviews an account whose bounce rate reaches 5 % or whose complaint rate reaches 0.1 %. */
const SES_BOUNCE_RATE_LIMIT = 0.05;
const SES_COMPLAINT_RATE_LIMIT = 0.001;
/**
 * Early warnings, well before SES's review levels, while there is time to clean the list: SES's own
 * guidance is to stay below 2 % bounces and 0.05 % complaints (a twentieth of a per cent).
 */
const EARLY_BOUNCE_RATE = 0.02;
const EARLY_COMPLAINT_RATE = 0.0005;
/**
 * A batch older than this in the send queue means the senders are not draining it (failing,
 * throttled to nothing, or disabled): at the default 14 messages/s six hours send 300,000 messages,
 * more than a day's quota, so a healthy edition never gets there.
 */
const SEND_QUEUE_MAX_AGE = Duration.hours(6);
/**
 * An edition still sending after this long is stuck: a quota wait lasts at most a day (the rolling
 * 24-hour window), and the margin covers a large list sent over that day. The send queue's age cannot
 * say it, as a batch that waited for the quota comes back as a new message and restarts its age.
 */
const STUCK_SENDING_HOURS = 36;

/** What the operator does about messages in each dead-letter queue, named in the alarm's description. */
const DEAD_LETTER_WAY_BACK: Record<string, string> = {
  Send: '`newsletter editions resume <id> --aws` queues again whoever does not have the edition (the ledger skips the rest); purge the queue afterwards',
  Digest:
    'run the digest again (`aws lambda invoke --invocation-type Event` with {"newsletterId": "<id>"}): it resumes ' +
    'the unfinished edition; purge the queue afterwards. A message with {"watch": true} is the hourly sending ' +
    'watch: nothing to run again, the next hour watches anew',
};

export interface OperationsAlarmsProps {
  /** Notified of every alarm; without it, subscribe to the alarm topic yourself. */
  alarmEmail?: string;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  functions: { name: string; function: lambda.IFunction }[];
  /** The queue of send batches: its oldest message says whether editions are moving. */
  sendQueue: sqs.IQueue;
  /** The subscription API: server errors are a fault of ours. */
  api: apigw.IHttpApi;
}

/**
 * What an operator must hear about, and one dashboard to look at: anything in a dead-letter queue,
 * a failing or throttled function, a send queue that does not drain, failed deliveries, a paused
 * edition, API server errors, and the SES reputation metrics, first at early thresholds and then at
 * the levels at which SES reviews the account.
 */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Newsletter alarms', enforceSSL: true });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default policy: without
    // this statement CloudWatch may not publish, and every alarm action fails without a word.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
    const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };

    for (const { name, queue } of props.deadLetterQueues) {
      this.add(`${name}DeadLetters`, {
        alarmDescription:
          `Messages are waiting in the ${name} dead-letter queue: inspect them and fix the cause, ` + `then ${DEAD_LETTER_WAY_BACK[name] ?? 'redrive them'}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    for (const { name, function: fn } of props.functions) {
      this.add(`${name}Errors`, {
        alarmDescription: `The ${name} function failed: see its log group`,
        metric: fn.metricErrors(fiveMinutes),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
      this.add(`${name}Throttles`, {
        alarmDescription: `The ${name} function was throttled by Lambda: raise the account's concurrency limit or lower the senders' concurrency`,
        metric: fn.metricThrottles(fiveMinutes),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    const queueAge = props.sendQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM });
    this.add('SendQueueAge', {
      alarmDescription:
        `A send batch has waited more than ${SEND_QUEUE_MAX_AGE.toHours()} hours: the senders are not draining the ` +
        `queue; see the Sender function's errors and logs`,
      metric: queueAge,
      threshold: SEND_QUEUE_MAX_AGE.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const failed = this.productMetric(METRIC_NAMES.failed, 'send-batch');
    this.add('DeliveriesFailed', {
      alarmDescription:
        'Deliveries failed after their retries: `newsletter editions show <id> --aws` lists the reasons (subscriber ' +
        'ids, never addresses); `newsletter editions resend <id> --aws` queues them again',
      metric: failed,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    const paused = this.productMetric(METRIC_NAMES.paused, 'send-batch');
    this.add('EditionPaused', {
      alarmDescription:
        'An edition paused or waits for the daily quota: `newsletter editions show <id> --aws` prints the reason, and ' +
        'the dashboard\'s "Editions paused, by reason" shows quota waits apart. A quota wait needs nothing: its ' +
        'batches wait on the queue and the edition finishes by itself when quota frees. Bounce or complaint rate, or ' +
        'SES refused the account or identity: fix it, then `newsletter editions resume <id> --aws`',
      metric: paused,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const oldestSending = this.productMetric(METRIC_NAMES.oldestSending, 'digest').with({ period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM });
    this.add('EditionStuckSending', {
      alarmDescription:
        `An edition has been sending for more than ${STUCK_SENDING_HOURS} hours (a day's quota wait and a margin): the ` +
        `digest function's "sending watch" log line names it (oldestSendingEdition). ` +
        'Check `npx newsletter editions show <id> --aws`: batches lost (a dead-letter queue, a purged queue) or ' +
        "senders failing (the Sender function's errors). " +
        'Then `npx newsletter editions resume <id> --aws` queues whoever does not have it yet (the ledger skips the rest), and the edition finishes by itself',
      metric: oldestSending,
      threshold: STUCK_SENDING_HOURS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.add('KeyPointFallbacks', {
      alarmDescription:
        'The language-model extractor failed for some articles of an edition (endpoint down, timeout, token budget, ' +
        "malformed answers): the edition went out with the embedded extractor's points for them, nothing was lost. " +
        'The digest function\'s "key points fell back" log lines say which and why; `npx newsletter editions show <id> ' +
        '--aws` prints the counts. Fix the endpoint or its key; the next edition uses it again',
      metric: this.productMetric(METRIC_NAMES.keyPointFallbacks, 'digest'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.add('WakeUpScheduleFailures', {
      alarmDescription:
        'A sender could not create a one-time wake-up schedule for a batch waiting on the 24-hour quota: ' +
        'the batch was put back on the send queue every 15 minutes instead, so nothing is lost, only more invocations run. ' +
        'The Sender function\'s "wake-up schedule failed" log lines give the error: AccessDenied means the sender\'s role ' +
        "or its WakeUpRole was changed (redeploy the stack); a throttle or ServiceQuotaExceeded, EventBridge Scheduler's quotas " +
        '(raise them in Service Quotas, or let it be: the batches go on every 15 minutes)',
      metric: this.productMetric(METRIC_NAMES.wakeUpScheduleFailures, 'send-batch'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const serverErrors = props.api.metricServerError(fiveMinutes);
    this.add('ApiServerErrors', {
      alarmDescription: 'The subscription API answered with 5xx: see the SubscriptionApi function log group',
      metric: serverErrors,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    const bounceRate = sesReputation('Reputation.BounceRate');
    const complaintRate = sesReputation('Reputation.ComplaintRate');
    this.add('BounceRateEarly', {
      alarmDescription:
        `SES bounce rate is at or above ${EARLY_BOUNCE_RATE * 100} %, on the way to SES's review level ` +
        `of ${SES_BOUNCE_RATE_LIMIT * 100} %: remove stale addresses before the next edition`,
      metric: bounceRate,
      threshold: EARLY_BOUNCE_RATE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.add('ComplaintRateEarly', {
      alarmDescription:
        `SES complaint rate is at or above ${EARLY_COMPLAINT_RATE * 100} %, on the way to SES's review level ` +
        `of ${SES_COMPLAINT_RATE_LIMIT * 100} %: check consent and the unsubscribe link`,
      metric: complaintRate,
      threshold: EARLY_COMPLAINT_RATE,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.add('BounceRate', {
      alarmDescription: `SES bounce rate is at or above ${SES_BOUNCE_RATE_LIMIT * 100} %: clean the list before the next edition, or SES may pause sending`,
      metric: bounceRate,
      threshold: SES_BOUNCE_RATE_LIMIT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.add('ComplaintRate', {
      alarmDescription: `SES complaint rate is at or above ${SES_COMPLAINT_RATE_LIMIT * 100} %: check consent and unsubscribe links, or SES may pause sending`,
      metric: complaintRate,
      threshold: SES_COMPLAINT_RATE_LIMIT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Deliveries',
        left: [this.productMetric(METRIC_NAMES.sent, 'send-batch'), failed, this.productMetric(METRIC_NAMES.suppressed, 'send-batch')],
        right: [this.productMetric(METRIC_NAMES.throttled, 'send-batch')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Editions paused, by reason',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},${SERVICE_DIMENSION},reason} MetricName="${METRIC_NAMES.paused}"', 'Sum', 300)`,
            label: 'paused',
            usingMetrics: {},
          }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Send queue: oldest batch (s); oldest edition sending (h)',
        left: [queueAge],
        right: [oldestSending.with({ label: 'oldest edition sending (h)' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: name, period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'SES reputation',
        left: [bounceRate, complaintRate],
        leftAnnotations: [
          { value: EARLY_BOUNCE_RATE, label: 'bounces: early warning' },
          { value: SES_BOUNCE_RATE_LIMIT, label: 'bounces: SES review' },
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ name, function: fn }) => fn.metricErrors({ ...fiveMinutes, label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function throttles',
        left: props.functions.map(({ name, function: fn }) => fn.metricThrottles({ ...fiveMinutes, label: name })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Subscription API',
        left: [props.api.metricCount(fiveMinutes), props.api.metricClientError(fiveMinutes), serverErrors],
        width: 8,
      }),
    );
  }

  /** A metric the handlers emit with Powertools: the namespace and the function's service name. */
  private productMetric(metricName: string, service: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [SERVICE_DIMENSION]: service },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
  }

  private add(id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): void {
    const alarm = new cloudwatch.Alarm(this, id, { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}

function sesReputation(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM });
}
