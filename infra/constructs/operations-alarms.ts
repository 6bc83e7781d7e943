import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** SES reviews an account whose bounce rate reaches 5 % or whose complaint rate reaches 0.1 %. */
export const SES_BOUNCE_RATE_LIMIT = 0.05;
export const SES_COMPLAINT_RATE_LIMIT = 0.001;

export interface OperationsAlarmsProps {
  /** Notified of every alarm; without it, subscribe to the alarm topic yourself. */
  alarmEmail?: string;
  deadLetterQueues: { name: string; queue: sqs.IQueue }[];
  functions: { name: string; function: lambda.IFunction }[];
}

/**
 * What an operator must hear about: anything in a dead-letter queue, a failing function, and the
 * SES reputation metrics approaching the levels at which SES pauses sending for the whole account.
 */
export class OperationsAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

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
    const action = new SnsAction(this.topic);

    for (const { name, queue } of props.deadLetterQueues) {
      this.add(`${name}DeadLetters`, {
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue: inspect them, fix the cause, then redrive them`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }, action);
    }
    for (const { name, function: fn } of props.functions) {
      this.add(`${name}Errors`, {
        alarmDescription: `The ${name} function failed: see its log group`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }, action);
    }
    this.add('BounceRate', {
      alarmDescription: `SES bounce rate is at or above ${SES_BOUNCE_RATE_LIMIT * 100} %: clean the list before the next edition, or SES may pause sending`,
      metric: new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: SES_BOUNCE_RATE_LIMIT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }, action);
    this.add('ComplaintRate', {
      alarmDescription: `SES complaint rate is at or above ${SES_COMPLAINT_RATE_LIMIT * 100} %: check consent and unsubscribe links, or SES may pause sending`,
      metric: new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: SES_COMPLAINT_RATE_LIMIT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }, action);
  }

  private add(id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>, action: SnsAction): void {
    const alarm = new cloudwatch.Alarm(this, id, { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(action);
    this.alarms.push(alarm);
  }
}
