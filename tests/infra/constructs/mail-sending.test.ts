import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createTestApp, policyViolations, writeTwoNewsletterConfig, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

const zone = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

/** The resources of every ses:SendRawEmail statement, as JSON text. */
function sendResources(template: Template): string[] {
  const out: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
      if ([statement.Action].flat().includes('ses:SendRawEmail')) out.push(JSON.stringify(statement.Resource));
    }
  }
  return out;
}

describe('MailSending', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it("allows sending as each from address's own identity as well as the domain's", () => {
    const template = Template.fromStack(createTestApp({ configFile: writeTwoNewsletterConfig() }).stack);
    const statements = sendResources(template);
    expect(statements).toHaveLength(2);
    for (const resources of statements) {
      expect(resources).toContain(':identity/digest@example.com');
      expect(resources).toContain(':identity/brief@example.com');
      expect(resources).toMatch(/:identity\/",\{"Ref":"MailIdentity/);
    }
  });

  it('publishes deliveries, rejects and delays beside bounces and complaints, so each edition can be counted', () => {
    const template = Template.fromStack(createTestApp({ configFile: writeTwoNewsletterConfig() }).stack);
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint', 'delivery', 'reject', 'deliveryDelay']),
      }),
    });
  });

  it('with a hosted zone, sets a custom MAIL FROM with its MX and SPF records, and publishes DMARC', () => {
    const { app, stack } = createTestApp({ ...zone, dmarc: 'none', dmarcReportEmail: 'dmarc@example.com' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.com',
      MailFromAttributes: { MailFromDomain: 'bounce.example.com', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'bounce.example.com',
      Type: 'MX',
      ResourceRecords: [{ 'Fn::Join': ['', ['10 feedback-smtp.', { Ref: 'AWS::Region' }, '.amazonses.com']] }],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'bounce.example.com',
      Type: 'TXT',
      ResourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: zone.hostedZoneId,
      Name: '_dmarc.example.com',
      Type: 'TXT',
      ResourceRecords: ['"v=DMARC1; p=none; rua=mailto:dmarc@example.com;"'],
    });
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });

  it('publishes no DMARC record unless asked: most domains have one already, and a second fails the first deploy', () => {
    const template = Template.fromStack(createTestApp({ ...zone }).stack);
    template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { Name: '_dmarc.example.com' }, 0);
    template.resourceCountIs('AWS::Route53::RecordSet', 5); // 3 DKIM, MX, SPF
  });

  it('uses an existing SES identity instead of creating one, and still scopes sending to it', () => {
    const { app, stack } = createTestApp({ existingIdentity: 'true' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(Object.keys(template.findOutputs('*')).filter((k) => k.startsWith('DkimCname'))).toEqual([]);
    for (const resources of sendResources(template)) expect(resources).toContain(':identity/example.com');
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SES_CONFIGURATION_SET: Match.anyValue() }) } });
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });
});
