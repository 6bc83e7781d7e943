import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../../functions/handlers/environment.js';
import { PER_CLIENT_LIMITS } from '../../../infra/constructs/per-client-limits.js';
import { createTestApp, policyViolations, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

const zone = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

describe('PerClientLimits (-c perClientLimits)', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let on: Template;
  let violations: string[];
  beforeAll(() => {
    const { app, stack } = createTestApp({ perClientLimits: 'true' });
    on = Template.fromStack(stack);
    violations = policyViolations(app.synth().directory);
  }, SYNTH_TIMEOUT_MS);

  it('is off by default: no CloudFront, no WAF', () => {
    const off = Template.fromStack(createTestApp().stack);
    off.resourceCountIs('AWS::CloudFront::Distribution', 0);
    off.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('puts CloudFront with a WAF web ACL of two per-client rate rules in front of the pages, none on /unsubscribe', () => {
    on.resourceCountIs('AWS::CloudFront::Distribution', 1);
    on.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'SignUpsPerClient',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: PER_CLIENT_LIMITS.signUps,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                OrStatement: {
                  Statements: ['/subscribe', '/confirm', '/preferences', '/erase'].map((path) => ({
                    ByteMatchStatement: Match.objectLike({ SearchString: path, PositionalConstraint: 'STARTS_WITH' }),
                  })),
                },
              },
            }),
          },
        }),
        Match.objectLike({
          Name: 'PagesPerClient',
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: PER_CLIENT_LIMITS.pages,
              ScopeDownStatement: { NotStatement: { Statement: { ByteMatchStatement: Match.objectLike({ SearchString: '/unsubscribe' }) } } },
            }),
          },
        }),
      ],
    });
    on.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } }),
    });
  });

  it('refuses to deploy outside us-east-1, where CloudFront web ACLs live', () => {
    const rules = on.toJSON().Rules as Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
    const assertion = Object.values(rules)
      .flatMap((r) => r.Assertions)
      .find((a) => /us-east-1/.test(a.AssertDescription));
    expect(assertion?.Assert).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
  });

  it('builds links on the distribution and tells the function the origin-verify secret, never in the template', () => {
    const api = Object.values(on.findResources('AWS::Lambda::Function')).find((f) => /Subscription pages/.test(String(f.Properties.Description)))!;
    const variables = api.Properties.Environment.Variables;
    expect(JSON.stringify(variables[ENV_NAMES.config])).toContain('DomainName');
    expect(JSON.stringify(variables[ENV_NAMES.originVerify])).toMatch(/resolve:secretsmanager/);
    const distribution = Object.values(on.findResources('AWS::CloudFront::Distribution'))[0]!;
    const headers = distribution.Properties.DistributionConfig.Origins[0].OriginCustomHeaders;
    expect(headers[0].HeaderName).toBe('x-origin-verify');
    expect(JSON.stringify(headers[0].HeaderValue)).toMatch(/resolve:secretsmanager/);
  });

  it('passes every policy check with written reasons', () => {
    expect(violations).toEqual([]);
  });

  it('refuses -c domainName with it, saying why', () => {
    expect(() => createTestApp({ perClientLimits: 'true', domainName: 'news.example.com', ...zone })).toThrow(/cannot go together yet/);
  });
});
