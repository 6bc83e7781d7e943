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
import { NewsletterFunction, acknowledgeLogGroup } from './newsletter-function.js';
import type { NewsletterTable } from './newsletter-table.js';
import type { TokenSecret } from './token-secret.js';

export interface SubscriptionApiProps {
  /** The newsletter configuration as JSON, given the public base URL its links must use. */
  configJsonFor: (baseUrl: string) => string;
  /** A custom domain in front of the API; default: the API's own execute-api address. */
  baseUrl?: string;
  table: NewsletterTable;
  secret: TokenSecret;
  mail: MailSending;
  /** Requests per second for the pages that send no mail; bursts may reach twice this. @default 50 */
  rateLimit?: number;
  /** The SES account's maximum send rate: the routes that send mail get a small share of it. */
  sendRate: number;
  /** A custom domain for the pages, in `hostedZone`: certificate, API mapping and alias records are created. */
  domainName?: string;
  hostedZone?: { hostedZoneId: string; zoneName: string };
}

/**
 * The share of the SES send rate that sign-ups may use. Each request to a route below sends at most
 * one message (a confirmation, or the latest edition after confirming); capping them at a tenth of
 * the SES rate leaves nine tenths to a running edition however hard the form is flooded.
 */
const SIGN_UP_SHARE_OF_SEND_RATE = 0.1;
/** Routes that send mail, throttled to the sign-up share (POST /preferences mails an erase link on request). */
const MAIL_SENDING_ROUTES = ['POST /subscribe', 'GET /confirm', 'POST /confirm', 'POST /preferences'] as const;

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
];

/**
 * The public subscription pages and API (double opt-in, one-click unsubscribe, preferences) on an
 * API Gateway HTTP API, throttled so that a flood of sign-ups cannot run up the bill or the SES quota.
 */
export class SubscriptionApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly function: NewsletterFunction;
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
    acknowledgeLogGroup(accessLogs);
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit: rateLimit * 2 },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    // Route-level limits for the routes that send mail; the stage's own limit is for pages only.
    // RouteSettings is untyped JSON in the L1 construct, so it takes CloudFormation's own casing.
    const signUpRate = signUpRateLimit(props.sendRate);
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = Object.fromEntries(
      MAIL_SENDING_ROUTES.map((routeKey) => [routeKey, { ThrottlingRateLimit: signUpRate, ThrottlingBurstLimit: signUpRate * 2 }]),
    );
    this.baseUrl = props.domainName ? this.addCustomDomain(props.domainName, props.hostedZone!) : (props.baseUrl ?? this.api.apiEndpoint);

    this.function = new NewsletterFunction(this, 'Handler', {
      handler: HANDLER_ENTRIES['subscription-api'],
      description: 'Subscription pages and API: double opt-in, unsubscribe, preferences',
      configJson: props.configJsonFor(this.baseUrl),
      memorySize: 512,
      timeout: Duration.seconds(10),
    });
    props.table.grantReadWrite(this.function);
    props.secret.grantRead(this.function);
    props.mail.grantSendRaw(this.function);

    const integration = new HttpLambdaIntegration('Handler', this.function);
    for (const route of SUBSCRIPTION_ROUTES) {
      for (const r of this.api.addRoutes({ path: route.path, methods: route.methods, integration })) {
        // A stage's route settings may name only routes that exist already.
        this.stage.node.addDependency(r);
        const reason =
          'Subscription pages are public by design; every state change is authorised by an HMAC-signed token in the link sent to the address (double opt-in), and the stage is throttled.';
        Validations.of(r).acknowledge(
          { id: 'AwsSolutions-APIG4', reason },
          { id: guardRule('api_gw_v2_authorization_type_configured_check'), reason },
          {
            id: guardRule('lambda_function_public_access_prohibited_check'),
            reason: 'This permission lets API Gateway invoke the handler for the public subscription pages, scoped by source ARN to this API; the pages are public by design and authorise changes with signed tokens.',
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
