import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_OUTPUTS } from '../../functions/adapters/cloudformation/stack-outputs.js';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { createTestApp, SYNTH_TIMEOUT_MS, writeTwoNewsletterConfig } from './stack-fixture.js';

describe('NewsletterStack', () => {
  let template: Template;

  beforeAll(() => {
    const { stack } = createTestApp({ configFile: writeTwoNewsletterConfig(), alarmEmail: 'ops@example.com', sendRate: '100' });
    template = Template.fromStack(stack);
  }, SYNTH_TIMEOUT_MS);

  describe('schedules', () => {
    it('creates one schedule per newsletter, in its own time zone, with the converted cron', () => {
      // And the hourly watch, below.
      template.resourceCountIs('AWS::Scheduler::Schedule', 3);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 8 ? * 2 *)',
        ScheduleExpressionTimezone: 'Asia/Taipei',
        Target: Match.objectLike({ Input: JSON.stringify({ newsletterId: 'ai-talent' }) }),
      });
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 6 ? * 2-6 *)',
        ScheduleExpressionTimezone: 'Europe/London',
        Target: Match.objectLike({ Input: JSON.stringify({ newsletterId: 'morning-brief' }) }),
      });
    });

    it('invokes the digest function every hour with {"watch": true}, for the stuck-sending metric', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 hour)',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Digest[0-9A-F]+$'), 'Arn'] }, Input: JSON.stringify({ watch: true }) }),
      });
    });

    it('retries a schedule and sends what it cannot deliver to a dead-letter queue', () => {
      const dlq = new Capture();
      template.allResourcesProperties('AWS::Scheduler::Schedule', {
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        }),
      });
      expect(template.toJSON().Resources[dlq.asString()].Type).toBe('AWS::SQS::Queue');
    });
  });

  describe('send queue', () => {
    it('names the send queue and the table in the outputs that "editions resume --aws" reads', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      const queue = outputs[OPERATOR_OUTPUTS.sendQueueUrl]?.Value as { Ref: string };
      // The queue the senders drain (it has the redrive policy), not one of the dead-letter queues.
      expect(template.toJSON().Resources[queue.Ref]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { RedrivePolicy: expect.anything() } });
      const table = outputs[OPERATOR_OUTPUTS.tableName]?.Value as { Ref: string };
      expect(template.toJSON().Resources[table.Ref]).toMatchObject({ Type: 'AWS::DynamoDB::Table' });
    });

    it('redrives failed batches to an encrypted dead-letter queue', () => {
      const dlq = new Capture();
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      const target = template.toJSON().Resources[dlq.asString()];
      expect(target.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    });

    it("lets the sender put batches back on its own queue past Lambda's 16-hop loop stop, and only the sender", () => {
      // Lock waits, batches cut at their time budget and the steps of an approved fan-out re-queue on purpose;
      // an approved list of 200,000 is more than 16 fan-out steps, which Terminate would drop to the DLQ.
      const functions = template.findResources('AWS::Lambda::Function');
      const looping = Object.entries(functions).filter(([, f]) => f.Properties.RecursiveLoop === 'Allow');
      expect(looping).toHaveLength(1);
      expect(looping[0]![0]).toMatch(/^DeliverySender/);
    });

    it('lets the sender sleep a quota wait in a one-time schedule of its own group, passing only the role that sends to its queue', () => {
      const policies = Object.entries(template.findResources('AWS::IAM::Policy'));
      type Statement = { id: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
      const statements: Statement[] = policies.flatMap(([id, p]) =>
        (p.Properties.PolicyDocument.Statement as Omit<Statement, 'id'>[]).map((st) => ({ id, ...st })),
      );
      const creating = statements.filter((st) => JSON.stringify(st.Action).includes('scheduler:'));
      // Only the sender, and only CreateSchedule (no read, update or delete), in the wake-up group.
      expect(creating).toHaveLength(1);
      expect(creating[0]).toMatchObject({ Action: 'scheduler:CreateSchedule' });
      expect(creating[0]!.id).toMatch(/^DeliverySenderRole/);
      expect(JSON.stringify(creating[0]!.Resource)).toMatch(/:schedule\/[^"]*WakeUps[^"]*\/\*/);
      const passing = statements.filter((st) => JSON.stringify(st.Action).includes('iam:PassRole'));
      expect(passing).toHaveLength(1);
      expect(passing[0]).toMatchObject({ Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } });
      expect(JSON.stringify(passing[0]!.Resource)).toMatch(/DeliveryWakeUpRole/);
      // The role Scheduler takes may send to the send queue and its DLQ, and nothing else; only Scheduler of this account may take it.
      const role = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('DeliveryWakeUpRole'))!;
      expect(JSON.stringify(role[1].Properties.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
      expect(JSON.stringify(role[1].Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
      // ... and only for schedules of the stack's own group.
      expect(JSON.stringify(role[1].Properties.AssumeRolePolicyDocument)).toMatch(/"aws:SourceArn":\{"Fn::GetAtt":\["DeliveryWakeUps[^"]*","Arn"\]\}/);
      const ofRole = (id: string) => policies.find(([policy]) => policy === id)![1].Properties.Roles?.some((r: { Ref?: string }) => r.Ref === role[0]);
      const roleActions = statements.filter((st) => ofRole(st.id));
      expect(new Set(roleActions.flatMap((st) => [st.Action].flat()))).toEqual(new Set(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']));
    });

    it('encrypts every queue and denies it to non-TLS requests', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.resourceCountIs('AWS::SQS::QueuePolicy', Object.keys(queues).length);
      template.allResourcesProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        }),
      });
    });

    it('bounds the senders to the SES rate: at least two at once, batch failures reported per item', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 4 },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        // Each of the 4 senders takes a quarter of the MaxSendRate it reads from GetSendQuota at run time.
        Environment: { Variables: Match.objectLike({ [ENV_NAMES.senders]: '4' }) },
      });
    });
  });

  describe('SES permissions', () => {
    it('never allows ses:SendRawEmail on "*"', () => {
      const policies = template.findResources('AWS::IAM::Policy');
      let sendStatements = 0;
      for (const policy of Object.values(policies)) {
        for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
          const actions = ([] as string[]).concat(statement.Action);
          if (!actions.some((a) => a === 'ses:SendRawEmail' || a === 'ses:*' || a === 'ses:Send*')) continue;
          sendStatements++;
          expect(actions).toEqual(['ses:SendRawEmail']);
          expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
          expect(([] as unknown[]).concat(statement.Resource)).not.toContain('*');
        }
      }
      expect(sendStatements).toBe(2); // the sender and the subscription API
    });

    it("scopes ses:SendRawEmail to the domain identity, the from addresses' identities and the configuration set", () => {
      const identity = Object.keys(template.findResources('AWS::SES::EmailIdentity'))[0]!;
      const configurationSet = Object.keys(template.findResources('AWS::SES::ConfigurationSet'))[0]!;
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Action: 'ses:SendRawEmail',
              Effect: 'Allow',
              Resource: [
                { 'Fn::Join': ['', Match.arrayWith([`:identity/`, { Ref: identity }])] },
                // SES checks the most specific verified identity: each from address may be one of its own.
                { 'Fn::Join': ['', Match.arrayWith([`:identity/digest@example.com`])] },
                { 'Fn::Join': ['', Match.arrayWith([`:identity/brief@example.com`])] },
                { 'Fn::Join': ['', Match.arrayWith([`:configuration-set/`, { Ref: configurationSet }])] },
              ],
            },
          ]),
        },
      });
    });

    it('publishes bounces, complaints, deliveries, rejects and delays of the configuration set to the topic the feedback function reads', () => {
      const topic = new Capture();
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: Match.objectLike({
          MatchingEventTypes: ['bounce', 'complaint', 'delivery', 'reject', 'deliveryDelay'],
          SnsDestination: { TopicARN: { Ref: topic } },
        }),
      });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', TopicArn: { Ref: topic.asString() } });
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'example.com',
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      });
    });

    it('outputs the three DKIM records when no hosted zone is given', () => {
      const outputs = Object.keys(template.findOutputs('*')).filter((key) => key.includes('DkimCname'));
      expect(outputs).toHaveLength(3);
      template.resourceCountIs('AWS::Route53::RecordSet', 0);
    });
  });

  describe('functions', () => {
    it('runs every function on Node.js 22 and ARM64 with source maps', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(4);
      template.allResourcesProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    });

    it('gives every function its own log group with a retention', () => {
      const logGroup = new Capture();
      template.allResourcesProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
      const logGroups = template.toJSON().Resources as Record<string, { Type: string; Properties: { RetentionInDays?: number } }>;
      let seen = 0;
      do {
        const group = logGroups[logGroup.asString()]!;
        expect(group.Type).toBe('AWS::Logs::LogGroup');
        expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
        seen++;
      } while (logGroup.next());
      expect(seen).toBe(4);
    });

    it('sets each variable a function needs, and only those', () => {
      const variables = (description: RegExp) => {
        const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => description.test(f.Properties.Description));
        return Object.keys(fn!.Properties.Environment.Variables).sort();
      };
      const {
        tableName,
        bucketName,
        sendQueueUrl,
        tokenSecretArn,
        configurationSet,
        config,
        senders,
        sendQueueArn,
        sendDeadLetterArn,
        wakeUpGroup,
        wakeUpRoleArn,
      } = ENV_NAMES;
      const common = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'];
      expect(variables(/next edition/)).toEqual([bucketName, config, sendQueueUrl, tableName, tokenSecretArn, ...common].sort());
      // The sender queues a batch again, delayed, or in a wake-up schedule when it waits for the 24-hour quota.
      const wakeUps = [sendQueueArn, sendDeadLetterArn, wakeUpGroup, wakeUpRoleArn];
      expect(variables(/queued batches/)).toEqual([config, configurationSet, sendQueueUrl, senders, tableName, tokenSecretArn, ...wakeUps, ...common].sort());
      // The subscription function queues an edition approved by its review link.
      expect(variables(/Subscription pages/)).toEqual([config, configurationSet, sendQueueUrl, tableName, tokenSecretArn, ...common].sort());
      // The feedback function keys the subscriber id of the address SES names with the token key.
      expect(variables(/bounce or complain/)).toEqual([config, tableName, tokenSecretArn, ...common].sort());
    });

    it('points links of a newsletter with a local baseUrl at the deployed API, and keeps a public one', () => {
      const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) => /queued batches/.test(f.Properties.Description))!;
      const json = JSON.stringify(fn.Properties.Environment.Variables[ENV_NAMES.config]);
      expect(json).not.toContain('localhost');
      expect(json).toContain('ApiEndpoint');
      expect(json).toContain('https://news.example.com');
    });

    it('traces every function with X-Ray and names it for Powertools, metrics in the Newsletter namespace', () => {
      template.allResourcesProperties('AWS::Lambda::Function', {
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_METRICS_NAMESPACE: 'Newsletter',
            POWERTOOLS_SERVICE_NAME: Match.stringLikeRegexp('^(digest|send-batch|subscription-api|ses-feedback)$'),
          }),
        },
      });
    });

    it('uses no AWS managed policy', () => {
      template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    });
  });

  describe('data', () => {
    it('keeps the table on demand, with point-in-time recovery, encryption and TTL', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      });
    });

    it('blocks public access to the bucket and encrypts it', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
    });

    it('grants no function a write to the bucket: publishers upload, the digest only reads', () => {
      const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[],
      );
      const actions = statements.flatMap((s) => [s.Action].flat());
      expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    });

    it('keeps old versions of articles for 30 days, so an overwritten or deleted article can be brought back', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' })]) },
      });
    });

    it('denies every bucket request that does not use TLS', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('generates the link-signing key in Secrets Manager', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      });
    });
  });

  describe('subscription API', () => {
    it('throttles the stage', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      });
    });

    it('routes the subscription pages to the handler', () => {
      const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
      expect(routes.sort()).toEqual(
        [
          'GET /',
          'GET /subscribe',
          'POST /subscribe',
          'GET /confirm',
          'POST /confirm',
          'GET /unsubscribe',
          'POST /unsubscribe',
          'GET /preferences',
          'POST /preferences',
          'GET /erase',
          'POST /erase',
          'GET /archive',
          'GET /archive/{page}',
          'GET /approve',
          'POST /approve',
          'GET /skip',
          'POST /skip',
          'GET /edit',
          'POST /edit',
          'GET /open',
          'GET /click',
        ].sort(),
      );
    });
  });

  describe('alarms', () => {
    it('alarms on SES bounce rate at 5 % and complaint rate at 0.1 %, to the alarm topic', () => {
      const topic = new Capture();
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: 'Reputation.BounceRate',
        Threshold: 0.05,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topic }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate', Threshold: 0.001 });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topic.asString() } });
    });

    it("names the operator's way back in the alarms that have one (the CLI against the deployed stack)", () => {
      for (const command of ['editions resume <id> --aws', 'editions resend <id> --aws', 'editions show <id> --aws']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp(command.replace(/[<>]/g, '.')) });
      }
    });

    it('alarms on anything in a dead-letter queue and on sender errors', () => {
      const dlqAlarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0 } });
      expect(Object.keys(dlqAlarms)).toHaveLength(3);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^DeliverySender') } }],
      });
    });
  });

  it('matches the snapshot (a tripwire: review the diff, then update with -u)', () => {
    expect(normaliseAssets(template.toJSON())).toMatchSnapshot();
  });
});

/**
 * Asset hashes change with every code edit, and the config JSON with every schema default; the
 * snapshot is about resources, not code or content.
 */
function normaliseAssets(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json).replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1'), (key: string, value: unknown) =>
    key === ENV_NAMES.config ? '<newsletter config>' : value,
  );
}
