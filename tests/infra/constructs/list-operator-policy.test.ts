import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_OUTPUTS } from '../../../functions/adapters/cloudformation/stack-outputs.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { SUBSCRIBER_PARTITIONS, SUPPRESSION_PARTITION } from '../../../infra/constructs/list-operator-policy.js';
import { createTestApp, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

describe('ListOperatorPolicy', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let template: Template;
  let outputs: Record<string, { Value: unknown }>;

  beforeAll(() => {
    const { stack } = createTestApp();
    template = Template.fromStack(stack);
    outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
  }, SYNTH_TIMEOUT_MS);

  const referenced = (output: string) => (outputs[output]!.Value as { Ref: string }).Ref;

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
