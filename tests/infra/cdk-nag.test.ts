import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { createTestApp, policyViolations, SYNTH_TIMEOUT_MS, writeTwoNewsletterConfig } from './stack-fixture.js';

// cdk-nag v3 and the Control Tower guard rules (`@cdklabs/cdk-validator-cfnguard`) report through
// CDK's policy validation, not annotations: an unacknowledged finding fails `app.synth()` and is
// listed in the assembly's validation report (policyViolations reads it).

describe('policy checks on synth: cdk-nag AwsSolutions and the Control Tower guard rules', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('pass on the default app with no -c parameters', () => {
    const { app } = createTestApp();
    const assembly = app.synth();
    expect(policyViolations(assembly.directory)).toEqual([]);
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: { pluginName: string }[] };
    expect(report.pluginReports.map((r) => r.pluginName).sort()).toEqual(expect.arrayContaining(['cdk-validator-cfnguard']));
  });

  it('pass with a hosted zone, an alarm email, sandbox recipients and several newsletters', () => {
    const { app, stack } = createTestApp({
      configFile: writeTwoNewsletterConfig(),
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
      alarmEmail: 'ops@example.com',
      sandboxRecipients: 'tester@example.org,editor@example.org',
    });
    const assembly = app.synth();
    expect(policyViolations(assembly.directory)).toEqual([]);
    const template = Template.fromStack(stack);
    // Three DKIM CNAMEs, the MAIL FROM MX and SPF; no DMARC record unless asked (-c dmarc=none|quarantine|reject).
    template.resourceCountIs('AWS::Route53::RecordSet', 5);
    template.resourcePropertiesCountIs('AWS::Route53::RecordSet', { HostedZoneId: 'Z0123456789ABCDEFGHIJ', Type: 'CNAME' }, 3);
    expect(Object.keys(template.findOutputs('*')).filter((k) => k.includes('DkimCname'))).toHaveLength(0);
  });

  it('fail the synth on a finding nobody acknowledged, so the checks above are live', () => {
    const { app, stack } = createTestApp();
    new sqs.Queue(stack, 'QueueWithoutTls', { encryption: sqs.QueueEncryption.SQS_MANAGED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('run the Control Tower guard rules offline, and fail the synth on one nobody acknowledged', () => {
    const { app, stack } = createTestApp();
    // TLS-only and encrypted (cdk-nag is content), but without a dead-letter queue: CT.SQS.PR.1.
    new sqs.Queue(stack, 'QueueWithoutDlq', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    expect(() => app.synth()).toThrow(/CT\.SQS\.PR\.1/);
  });

  it('carry a written reason on every acknowledgement', () => {
    const { app } = createTestApp();
    const reasons: [string, string, string][] = [];
    for (const construct of app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [rule, reason] of Object.entries(entry.data as Record<string, string>)) reasons.push([construct.node.path, rule, reason]);
      }
    }
    expect(reasons.length).toBeGreaterThan(5);
    for (const [where, rule, reason] of reasons) expect(reason.length, `${rule} at ${where}`).toBeGreaterThanOrEqual(40);
  });
});
