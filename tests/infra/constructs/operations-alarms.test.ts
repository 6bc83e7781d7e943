import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

describe('OperationsAlarms', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let template: Template;
  let topic: string;

  beforeAll(() => {
    const { stack } = createTestApp({ alarmEmail: 'ops@example.com' });
    template = Template.fromStack(stack);
    topic = Object.keys(template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Newsletter alarms' } }))[0]!;
  }, SYNTH_TIMEOUT_MS);

  it('lets CloudWatch of this account publish to the alarm topic, which otherwise holds only the TLS deny', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: { Ref: topic },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('sends every alarm to the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    // 3 dead-letter queues, errors and throttles of 4 functions, queue age, 2 delivery metrics, an edition stuck sending,
    // key-point fallbacks, wake-up schedule failures, API 5xx, 4 reputation.
    expect(alarms).toHaveLength(22);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
  });

  it('alarms when a sender could not make a wake-up schedule, and says that nothing was lost and where to look', () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Newsletter',
      MetricName: 'WakeUpScheduleFailures',
      Dimensions: [{ Name: 'service', Value: 'send-batch' }],
      Threshold: 0,
      AlarmDescription: description,
    });
    expect(description.asString()).toContain('nothing is lost');
    expect(description.asString()).toContain('wake-up schedule failed');
  });

  it('alarms when a send batch has waited six hours', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 6 * 3600,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeliverySendQueue'), 'QueueName'] } }],
    });
  });

  it("alarms on an edition still sending after 36 hours, from the digest function's hourly watch, and says how to look and the way back", () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Newsletter',
      MetricName: 'OldestSendingEditionHours',
      Dimensions: [{ Name: 'service', Value: 'digest' }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 36,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: description,
    });
    expect(description.asString()).toContain('npx newsletter editions show <id> --aws');
    expect(description.asString()).toContain('npx newsletter editions resume <id> --aws');
  });

  it('alarms when the language-model extractor fell back for an article, and says nothing was lost and where to look', () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Newsletter',
      MetricName: 'KeyPointFallbacks',
      Dimensions: [{ Name: 'service', Value: 'digest' }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: description,
    });
    expect(description.asString()).toContain('nothing was lost');
    expect(description.asString()).toContain('npx newsletter editions show <id> --aws');
  });

  it('tells the operator that a quota wait, which also counts as EditionPaused, needs no resume', () => {
    const description = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'EditionPaused', AlarmDescription: description });
    expect(description.asString()).toMatch(/quota wait needs nothing/);
    expect(description.asString()).toMatch(
      /Bounce or complaint rate, or SES refused the account or identity: fix it, then `newsletter editions resume <id> --aws`/,
    );
  });

  it("alarms on failed deliveries and paused editions from the senders' own metrics", () => {
    for (const metric of ['DeliveriesFailed', 'EditionPaused']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Newsletter',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'send-batch' }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it("alarms on API server errors and on every function's errors and throttles", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 0 });
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/Lambda', MetricName: 'Throttles' } }))).toHaveLength(4);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/Lambda', MetricName: 'Errors' } }))).toHaveLength(4);
  });

  it('warns at 2 % bounces and 0.05 % complaints, before SES reviews the account at 5 % and 0.1 %', () => {
    const thresholds = (metricName: string) =>
      Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/SES', MetricName: metricName } }))
        .map((a) => a.Properties.Threshold as number)
        .sort();
    expect(thresholds('Reputation.BounceRate')).toEqual([0.02, 0.05]);
    expect(thresholds('Reputation.ComplaintRate')).toEqual([0.0005, 0.001]);
  });

  it('draws a dashboard of deliveries, pauses by reason, queues, functions, the API and reputation', () => {
    const body = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });
    const text = JSON.stringify(body.asObject());
    for (const word of [
      'DeliveriesSent',
      'DeliveriesFailed',
      'SendThrottled',
      'Suppressed',
      'EditionPaused',
      'reason',
      'ApproximateAgeOfOldestMessage',
      'Throttles',
      '5xx',
      'Reputation.BounceRate',
    ]) {
      expect(text, word).toContain(word);
    }
    expect(Object.keys(template.findOutputs('DashboardName'))).toEqual(['DashboardName']);
  });
});
