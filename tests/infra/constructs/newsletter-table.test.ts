import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PARTITIONS } from '../../../functions/adapters/dynamodb/table.js';
import { createTestApp, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: Record<string, Record<string, string[]>> };

describe('NewsletterTable grants', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(createTestApp().stack);
  }, SYNTH_TIMEOUT_MS);

  /** The DynamoDB statements of the role of the function whose description matches. */
  function tableStatements(description: RegExp): Statement[] {
    const functions = template.findResources('AWS::Lambda::Function');
    const fn = Object.values(functions).find((f) => description.test(String(f.Properties.Description)));
    const role = (fn!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    return statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
  }

  const cases: [string, RegExp, string[]][] = [
    [
      'sender',
      /queued batches/,
      [PARTITIONS.subscribers, PARTITIONS.suppressions, PARTITIONS.editions, PARTITIONS.renders, PARTITIONS.deliveries, PARTITIONS.sendBudget],
    ],
    ['feedback', /bounce or complain/, [PARTITIONS.suppressions, PARTITIONS.feedback, PARTITIONS.editions]],
    [
      'digest',
      /next edition/,
      [
        PARTITIONS.subscribers,
        PARTITIONS.suppressions,
        PARTITIONS.editions,
        PARTITIONS.renders,
        PARTITIONS.sentArticles,
        PARTITIONS.deliveries,
        PARTITIONS.sendBudget,
        PARTITIONS.keyPointCache,
      ],
    ],
    [
      'subscription API',
      /Subscription pages/,
      [
        PARTITIONS.subscribers,
        PARTITIONS.suppressions,
        PARTITIONS.signUpLimits,
        PARTITIONS.editions,
        PARTITIONS.renders,
        PARTITIONS.sentArticles,
        PARTITIONS.deliveries,
      ],
    ],
  ];

  for (const [name, description, partitions] of cases) {
    it(`lets the ${name} touch only the partitions it uses, and never scan`, () => {
      const statements = tableStatements(description);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']?.slice().sort()).toEqual(partitions.slice().sort());
        expect([statement.Action].flat()).not.toContain('dynamodb:Scan');
        expect([statement.Action].flat().some((a) => a === 'dynamodb:*' || /Table$|TimeToLive|Backup/.test(a))).toBe(false);
      }
    });
  }

  it('keeps the sign-up limits and SES feedback records from the sender, and the key-point cache from the pages', () => {
    const leading = (description: RegExp) => tableStatements(description).flatMap((s) => s.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys']!);
    expect(leading(/queued batches/)).not.toContain(PARTITIONS.signUpLimits);
    expect(leading(/queued batches/)).not.toContain(PARTITIONS.feedback);
    expect(leading(/Subscription pages/)).not.toContain(PARTITIONS.keyPointCache);
    expect(leading(/bounce or complain/)).not.toContain(PARTITIONS.subscribers);
  });
});
