import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
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
  /** Requests per second across the API; bursts may reach twice this. @default 50 */
  rateLimit?: number;
}

/** The routes the subscription handler serves; anything else is answered by API Gateway with 404. */
export const SUBSCRIPTION_ROUTES: { path: string; methods: apigw.HttpMethod[] }[] = [
  { path: '/', methods: [apigw.HttpMethod.GET] },
  { path: '/subscribe', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/confirm', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/unsubscribe', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
  { path: '/preferences', methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST] },
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
    this.baseUrl = props.baseUrl ?? this.api.apiEndpoint;

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

    new CfnOutput(this, 'Url', { description: 'Subscription page of the newsletter', value: `${this.baseUrl}/subscribe` });
  }
}
