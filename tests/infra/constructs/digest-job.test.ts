import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createTestApp, policyViolations, writeConfig, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

/** Every statement of the digest function's role policy. */
function digestStatements(template: Template): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^DigestDigestRole') }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('DigestJob permissions', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('may invoke the configured Bedrock model, and only that one, when a newsletter uses the bedrock extractor', () => {
    const configFile = writeConfig((n) => ({ ...n, keyPoints: { max: 8, extractor: 'bedrock', bedrockModelId: 'anthropic.claude-3-haiku-20240307-v1:0' } }));
    const { app, stack } = createTestApp({ configFile });
    const template = Template.fromStack(stack);
    const bedrock = digestStatements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('bedrock:')));
    expect(bedrock).toHaveLength(1);
    expect(bedrock[0]!.Action).toBe('bedrock:InvokeModel');
    expect(JSON.stringify(bedrock[0]!.Resource)).toBe(
      JSON.stringify({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/anthropic.claude-3-haiku-20240307-v1:0']],
      }),
    );
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });

  it('allows an inference profile and its model in the regions the profile routes to', () => {
    const configFile = writeConfig((n) => ({
      ...n,
      keyPoints: { max: 8, extractor: 'bedrock', bedrockModelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' },
    }));
    const { app, stack } = createTestApp({ configFile });
    const resources = JSON.stringify(digestStatements(Template.fromStack(stack)).find((s) => s.Action === 'bedrock:InvokeModel')!.Resource);
    expect(resources).toContain(':inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(resources).toContain(':bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });

  it('may send mail only when a newsletter reviews its drafts (approval "manual": the operators get the draft)', () => {
    const sends = (template: Template) => digestStatements(template).filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:Send')));
    expect(sends(Template.fromStack(createTestApp().stack))).toEqual([]);
    const configFile = writeConfig((n) => ({ ...n, approval: 'manual', operators: ['editor@example.com'] }));
    expect(sends(Template.fromStack(createTestApp({ configFile }).stack))).toHaveLength(1);
  });

  it('grants no Bedrock access to a stack whose newsletters use the embedded extractor', () => {
    const statements = digestStatements(Template.fromStack(createTestApp().stack));
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('bedrock'))).toEqual([]);
  });

  it("reads an S3 source outside the stack's bucket, under its prefix only", () => {
    const configFile = writeConfig((n) => ({ ...n, sources: [{ type: 's3', bucket: 'publisher-articles', prefix: 'weekly/' }] }));
    const { app, stack } = createTestApp({ configFile });
    const statements = digestStatements(Template.fromStack(stack));
    const list = statements.find((s) => s.Action === 's3:ListBucket' && JSON.stringify(s.Resource).includes('publisher-articles'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['weekly/*'] } });
    expect(JSON.stringify(list?.Resource)).toContain(':s3:::publisher-articles"');
    const get = statements.find((s) => s.Action === 's3:GetObject' && JSON.stringify(s.Resource).includes('publisher-articles'));
    expect(JSON.stringify(get?.Resource)).toContain(':s3:::publisher-articles/weekly/*"');
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });
});
