import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { HANDLER_ENTRIES } from '../handler-entries.js';
import { guardRule } from '../nag-findings.js';
import type { MailSending } from './mail-sending.js';
import { NewsletterFunction } from './newsletter-function.js';
import { PerClientLimits } from './per-client-limits.js';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { FUNCTION_PARTITIONS, type NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';
import type { OwnTemplateFolder } from '../own-templates.js';

export interface SubscriptionApiProps {
  /** The newsletter configuration as JSON, given the public base URL its links must use. */
  configJsonFor: (baseUrl: string) => string;
  /** Newsletters' own template folders (confirmation, welcome, review pages), copied into the function's bundle. */
  ownTemplates?: readonly OwnTemplateFolder[];
  /** A custom domain in front of the API; default: the API's own execute-api address. */
  baseUrl?: string;
  table: NewsletterTable;
  secret: TokenSecret;
  mail: MailSending;
  /** Requests per second for the pages that send no mail; bursts may reach twice this. @default 50 */
  rateLimit?: number;
  /**
   * Requests per second for each unsubscribe route (GET and POST, each its own bucket); bursts may
   * reach twice this. @default UNSUBSCRIBE_RATE_LIMIT
   */
  unsubscribeRateLimit?: number;
  /** The SES account's maximum send rate: the routes that send mail get a small share of it. */
  sendRate: number;
  /** CloudFront with AWS WAF rate-based rules in front of the API (PerClientLimits); links are built on it. */
  perClientLimits?: boolean;
  /** A custom domain for the pages, in `hostedZone`: certificate, API mapping and alias records are created. */
  domainName?: string;
  hostedZone?: { hostedZoneId: string; zoneName: string };
}

/**
 * API Gateway's access logs name each request's client IP address (`$context.identity.sourceIp`),
 * which is personal data: the reasons say so, unlike the function logs' (ids and counts only).
 */
function acknowledgeAccessLogGroup(logGroup: logs.LogGroup): void {
  Validations.of(logGroup).acknowledge(
    {
      id: guardRule('cloudwatch_log_group_retention_period_check'),
      reason:
        "Access logs hold each client's IP address (personal data) with the route, status and time, to investigate " +
        'abuse of the public pages; they are kept for a month and no longer, as the privacy notice should say.',
    },
    {
      id: guardRule('cloudwatch_log_group_encrypted_check'),
      reason:
        'The access logs hold client IP addresses; CloudWatch Logs encrypts them at rest with its own key, and reading ' +
        'them takes logs:GetLogEvents on this group, which no function role and not the operator policy has. A ' +
        'customer-managed KMS key would add $1 a month and a key policy without narrowing who can read them.',
    },
  );
}

/**
 * The share of the SES send rate that sign-ups may use. Each request to a route below sends at most
 * one message (a confirmation, or the latest edition after confirming); capping them at a tenth of
 * the SES rate leaves nine tenths to a running edition however hard the form is flooded.
 */
const SIGN_UP_SHARE_OF_SEND_RATE = 0.1;
/** Routes that send mail, throttled to the sign-up share (POST /preferences mails an erase link on request). */
const MAIL_SENDING_ROUTES = ['POST /subscribe', 'GET /confirm', 'POST /confirm', 'POST /preferences'] as const;

/**
 * The unsubscribe routes have limits of their own, never shared with the sign-up routes or the
 * pages: after an edition, mailbox providers send their readers' one-click unsubscribe POSTs
 * (RFC 8058) in bursts, and a reader who cannot leave complains instead. One unsubscribe is one
 * read and one write, so a high limit costs little; it only guards the bill against a flood.
 */
export const UNSUBSCRIBE_RATE_LIMIT = 500;
const UNSUBSCRIBE_ROUTES = ['GET /unsubscribe', 'POST /unsubscribe'] as const;

/** @example signUpRateLimit(14) // 1 request per second (bursts of 2) */
export function signUpRateLimit(sendRate: number): number {
  return Math.max(1, Math.floor(sendRate * SIGN_UP_SHARE_OF_SEND_RATE));
}

/** The routes the subscription handler serves; anything else is answered by API Gateway with 404. */
const SUBSCRIPTION_ROUTES: { path: string; methods: apigw.HttpMethod[] }[] = [
  { path: '/', methods: [apigw.HttpMethod.GET] },
  { path: '/subscribe', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/confirm', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/unsubscribe', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/preferences', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  // The erase-confirmation link mailed from the preferences page: GET shows the button, POST erases.
  { path: '/erase', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  // The public archive: the index, and under it the Atom feed (feed.xml) and each edition's page.
  { path: '/archive', methods: [apigw.HttpMethod.GET] },
  { path: '/archive/{page}', methods: [apigw.HttpMethod.GET] },
  // An operator's review links (approval: "manual"): GET shows the button, POST decides.
  { path: '/approve', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/skip', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  // The review page behind the signed edit link: GET shows the draft's form, POST saves the edit.
  { path: '/edit', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  // Opens and clicks of a newsletter with countOpensAndClicks: the signed pixel and click links.
  { path: '/open', methods: [apigw.HttpMethod.GET] },
  { path: '/click', methods: [apigw.HttpMethod.GET] },
];

/**
 * The public subscription pages and API (double opt-in, one-click unsubscribe, preferences) on an
 * API Gateway HTTP API, throttled so that a flood of sign-ups cannot run up the bill or the SES quota.
 */
export class SubscriptionApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly function: NewsletterFunction;
  /** CloudFront and WAF in front of the API, with -c perClientLimits. */
  readonly perClientLimits: PerClientLimits | undefined;
  /** The address confirm, unsubscribe and preference links start with. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: SubscriptionApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Newsletter subscription pages: subscribe, confirm, unsubscribe, preferences',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    acknowledgeAccessLogGroup(accessLogs);
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit: rateLimit * 2 },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    // Route-level limits: each route named here has its own token bucket, so a flood of sign-ups
    // (held to a share of the SES rate) never uses up the unsubscribe routes' limit, and the
    // reverse; the stage's default is for the pages. API Gateway throttles per route, for all
    // clients together: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
    // RouteSettings is untyped JSON in the L1 construct, so it takes CloudFormation's own casing.
    const signUpRate = signUpRateLimit(props.sendRate);
    const unsubscribeRate = props.unsubscribeRateLimit ?? UNSUBSCRIBE_RATE_LIMIT;
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = Object.fromEntries([
      ...MAIL_SENDING_ROUTES.map((routeKey) => [routeKey, { ThrottlingRateLimit: signUpRate, ThrottlingBurstLimit: signUpRate * 2 }]),
      ...UNSUBSCRIBE_ROUTES.map((routeKey) => [routeKey, { ThrottlingRateLimit: unsubscribeRate, ThrottlingBurstLimit: unsubscribeRate * 2 }]),
    ]);
    const perClient = props.perClientLimits ? new PerClientLimits(this, 'PerClientLimits', { api: this.api }) : undefined;
    this.perClientLimits = perClient;
    const front = perClient ? `https://${perClient.distribution.distributionDomainName}` : this.api.apiEndpoint;
    this.baseUrl = props.domainName ? this.addCustomDomain(props.domainName, props.hostedZone!) : (props.baseUrl ?? front);

    this.function = new NewsletterFunction(this, 'Handler', {
      handler: HANDLER_ENTRIES['subscription-api'],
      description: 'Subscription pages and API: double opt-in, unsubscribe, preferences',
      configJson: props.configJsonFor(this.baseUrl),
      ...(props.ownTemplates ? { ownTemplates: props.ownTemplates } : {}),
      memorySize: 512,
      timeout: Duration.seconds(10),
    });
    props.table.grantReadWrite(this.function, FUNCTION_PARTITIONS.subscriptionApi);
    // A dynamic reference: CloudFormation puts the secret's value in, the template never holds it.
    if (perClient) this.function.addEnvironment(ENV_NAMES.originVerify, perClient.originVerify.secretValue.unsafeUnwrap());
    props.secret.grantRead(this.function);
    props.mail.grantSendRaw(this.function);

    const integration = new HttpLambdaIntegration('Handler', this.function);
    for (const route of SUBSCRIPTION_ROUTES) {
      for (const r of this.api.addRoutes({ path: route.path, methods: route.methods, integration })) {
        // A stage's route settings may name only routes that exist already.
        this.stage.node.addDependency(r);
        const reason =
          'Subscription pages are public by design; every state change is authorised by an HMAC-signed token in the link ' +
          'sent to the address (double opt-in), and the stage is throttled.';
        Validations.of(r).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: guardRule('api_gw_v2_authorization_type_configured_check'), reason },
          {
            id: guardRule('lambda_function_public_access_prohibited_check'),
            reason:
              'This permission lets API Gateway invoke the handler for the public subscription pages, scoped by source ARN ' +
              'to this API; the pages are public by design and authorise changes with signed tokens.',
          },
        );
      }
    }

    // A fixed output name, the one docs/deploy.md tells operators to look for.
    new CfnOutput(this, 'Url', { description: 'Subscription page of the newsletter', value: `${this.baseUrl}/subscribe` }).overrideLogicalId('SubscribePage');
  }

  /**
   * Links built on the API's own execute-api address break when the API is recreated; on a domain
   * of the operator's they survive any redeploy. Returns the base URL of the links.
   */
  private addCustomDomain(domainName: string, zone: { hostedZoneId: string; zoneName: string }): string {
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', zone);
    const certificate = new acm.Certificate(this, 'Certificate', { domainName, validation: acm.CertificateValidation.fromDns(hostedZone) });
    const domain = new apigw.DomainName(this, 'DomainName', { domainName, certificate });
    new apigw.ApiMapping(this, 'ApiMapping', { api: this.api, domainName: domain, stage: this.stage });
    const target = route53.RecordTarget.fromAlias(new route53Targets.ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId));
    new route53.ARecord(this, 'AliasRecord', { zone: hostedZone, recordName: domainName, target });
    new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: hostedZone, recordName: domainName, target });
    return `https://${domainName}`;
  }
}
