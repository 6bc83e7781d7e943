import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_OUTPUTS } from '../../../functions/adapters/cloudformation/stack-outputs.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { SENT_ARTICLE_PARTITIONS, SUBSCRIBER_PARTITIONS, SUPPRESSION_PARTITION } from '../../../infra/constructs/command-policy.js';
import { createTestApp, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

// One synth for both operator policies: each takes a minute or more on a busy machine.
let template: Template;
let outputs: Record<string, { Value: unknown }>;

beforeAll(() => {
  const { stack } = createTestApp();
  template = Template.fromStack(stack);
  outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
}, SYNTH_TIMEOUT_MS);

/** The logical id of the resource an output refers to with Ref. */
const referenced = (output: string) => (outputs[output]!.Value as { Ref: string }).Ref;

describe('OperatorPolicy', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('gives the operator commands exactly their calls, on this stack, its table and its send queue', () => {
    const table = referenced(OPERATOR_OUTPUTS.tableName);
    const queue = referenced(OPERATOR_OUTPUTS.sendQueueUrl);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'ReadStackOutputs', Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: { Ref: 'AWS::StackId' } },
          {
            Sid: 'ReadAndMoveEditions',
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
          },
          {
            Sid: 'ReleaseSkippedArticles',
            Effect: 'Allow',
            Action: 'dynamodb:DeleteItem',
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['NL#*#ARTICLE'] } },
          },
          { Sid: 'QueueBatchesForTheSenders', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
        ],
      },
    });
  });

  it('lets the operator delete only the sent-article marks, which is what "editions skip --aws" deletes', () => {
    // The partition key the policy allows is the one the edition store writes its marks under.
    expect(keys.sentArticle('ai-talent', 'abc').pk).toMatch(new RegExp(`^${SENT_ARTICLE_PARTITIONS.replaceAll('*', '[^#]+')}$`));
    expect(keys.subscriber('ai-talent', 'abc').pk).not.toMatch(new RegExp(`^${SENT_ARTICLE_PARTITIONS.replaceAll('*', '.*')}$`));
  });

  it('is attached to nobody by the stack and named in an output, for the operator to attach', () => {
    const policies = template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadStackOutputs' })]) } },
    });
    const [policy] = Object.entries(policies);
    expect(policy).toBeDefined();
    expect(policy![1].Properties).not.toHaveProperty('Roles');
    expect(policy![1].Properties).not.toHaveProperty('Users');
    expect(outputs.OperatorPolicyArn?.Value).toEqual({ Ref: policy![0] });
  });
});

describe('ListOperatorPolicy', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('lets the list commands read the token secret, put subscriber records and delete suppressions, nothing more', () => {
    const table = referenced(OPERATOR_OUTPUTS.tableName);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'KeySubscriberIds', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: referenced(OPERATOR_OUTPUTS.tokenSecretArn) } },
          {
            Sid: 'AddSubscribers',
            Effect: 'Allow',
            Action: 'dynamodb:PutItem',
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['NL#*#SUB'] } },
          },
          {
            Sid: 'LiftSuppressions',
            Effect: 'Allow',
            Action: 'dynamodb:DeleteItem',
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SUPPRESSION'] } },
          },
        ],
      },
    });
  });

  it('allows exactly the partitions the stores write subscribers and suppressions under', () => {
    const like = (pattern: string) => new RegExp(`^${pattern.replaceAll('*', '[^#]+')}$`);
    expect(keys.subscriber('ai-talent', 'abc').pk).toMatch(like(SUBSCRIBER_PARTITIONS));
    expect(keys.suppression('abc').pk).toBe(SUPPRESSION_PARTITION);
    expect(keys.sentArticle('ai-talent', 'abc').pk).not.toMatch(like(SUBSCRIBER_PARTITIONS));
  });

  it('is attached to nobody by the stack and named in an output, for the operator to attach', () => {
    const arn = outputs.ListOperatorPolicyArn?.Value as { Ref: string };
    expect(arn).toBeDefined();
    const policy = template.toJSON().Resources[arn.Ref] as { Type: string; Properties: Record<string, unknown> };
    expect(policy.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(policy.Properties).not.toHaveProperty('Roles');
    expect(policy.Properties).not.toHaveProperty('Users');
  });
});
