import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../../functions/handlers/environment.js';
import { REPO_ROOT } from '../../../infra/handler-entries.js';
import { signUpRateLimit, UNSUBSCRIBE_RATE_LIMIT } from '../../../infra/constructs/subscription-api.js';
import { createTestApp, policyViolations, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

const zone = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' };

describe('SubscriptionApi', { timeout: SYNTH_TIMEOUT_MS }, () => {
  it('serves the pages on a custom domain: certificate, API mapping, alias records, and links built on it', () => {
    const { app, stack } = createTestApp({ ...zone, domainName: 'news.example.com' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'news.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'news.example.com', HostedZoneId: zone.hostedZoneId }],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'news.example.com' });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { DomainName: Match.anyValue(), Stage: Match.anyValue() });
    for (const type of ['A', 'AAAA']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'news.example.com.',
        Type: type,
        HostedZoneId: zone.hostedZoneId,
        AliasTarget: Match.anyValue(),
      });
    }
    // Every function's links start with the custom domain, not the execute-api host.
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const json = JSON.stringify(fn.Properties.Environment.Variables[ENV_NAMES.config]);
      expect(json).toContain('https://news.example.com');
      expect(json).not.toContain('ApiEndpoint');
    }
    expect(template.findOutputs('SubscribePage').SubscribePage!.Value).toBe('https://news.example.com/subscribe');
    expect(policyViolations(app.synth().directory)).toEqual([]);
  });

  it('throttles the routes that send mail to a tenth of the SES rate, and pages to the API limit', () => {
    expect(signUpRateLimit(14)).toBe(1);
    expect(signUpRateLimit(200)).toBe(20);
    const template = Template.fromStack(createTestApp({ sendRate: '200' }).stack);
    const limits = { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 };
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: { 'POST /subscribe': limits, 'GET /confirm': limits, 'POST /confirm': limits, 'POST /preferences': limits },
    });
    // A stage may name only routes that exist: it is created after them.
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const routeIds = Object.keys(routes).filter((id) =>
      ['POST /subscribe', 'GET /confirm', 'POST /confirm', 'POST /preferences'].includes(routes[id]!.Properties.RouteKey),
    );
    expect(routeIds).toHaveLength(4);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('gives the unsubscribe routes generous limits of their own, apart from sign-ups and pages', () => {
    const unsubscribe = { ThrottlingRateLimit: UNSUBSCRIBE_RATE_LIMIT, ThrottlingBurstLimit: UNSUBSCRIBE_RATE_LIMIT * 2 };
    const template = Template.fromStack(createTestApp().stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: Match.objectLike({
        'GET /unsubscribe': unsubscribe,
        'POST /unsubscribe': unsubscribe,
        'POST /subscribe': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 2 },
      }),
    });
    // Each route named in RouteSettings must exist before the stage.
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const ids = Object.keys(routes).filter((id) => ['GET /unsubscribe', 'POST /unsubscribe'].includes(routes[id]!.Properties.RouteKey));
    expect(stage.DependsOn).toEqual(expect.arrayContaining(ids));
    expect(ids).toHaveLength(2);
    // -c unsubscribeRateLimit sets them.
    Template.fromStack(createTestApp({ unsubscribeRateLimit: '2000' }).stack).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({ 'POST /unsubscribe': { ThrottlingRateLimit: 2000, ThrottlingBurstLimit: 4000 } }),
    });
  });

  it('says the access logs hold client IP addresses, as they do', () => {
    const { app, stack } = createTestApp();
    const stage = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.AccessLogSettings.Format).toContain('$context.identity.sourceIp');
    const group = app.node.findAll().find((c) => c.node.path.endsWith('Subscriptions/AccessLogs'))!;
    const reasons = group.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    expect(reasons.length).toBe(2);
    for (const reason of reasons) {
      expect(reason).toContain('IP address');
      expect(reason).not.toMatch(/no personal data|never an address/);
    }
  });

  it('gives the outputs the names the docs tell operators to look for', () => {
    const template = Template.fromStack(createTestApp().stack);
    const readme = ['README.md', 'docs/deploy.md', 'docs/cli.md', 'docs/operators-guide.md']
      .map((file) => readFileSync(path.join(REPO_ROOT, file), 'utf8'))
      .join('\n');
    const named = [...readme.matchAll(/outputs? `([A-Za-z0-9]+)`|<([A-Z][A-Za-z]*(?:Name|Arn))>|`(DkimCname\d)`/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    expect(new Set(named).size).toBeGreaterThanOrEqual(8);
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of new Set(named)) expect(outputs, name).toContain(name);
  });

  it('lets the subscription function queue an approved edition: SEND_QUEUE_URL names the send queue, which alone its role may send to', () => {
    const template = Template.fromStack(createTestApp().stack);
    const [fnId, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, f]) => /Subscription pages/.test(f.Properties.Description))!;
    const sendQueue = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => /^DeliverySendQueue/.test(id))!;
    expect(fn.Properties.Environment.Variables[ENV_NAMES.sendQueueUrl]).toEqual({ Ref: sendQueue });
    const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const sqsStatements = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqsStatements).toHaveLength(1);
    expect([sqsStatements[0]!.Action].flat()).toContain('sqs:SendMessage');
    expect(sqsStatements[0]!.Resource).toEqual({ 'Fn::GetAtt': [sendQueue, 'Arn'] });
    expect(fnId).toMatch(/^Subscriptions/);
  });
});
