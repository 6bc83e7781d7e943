import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Config } from '../functions/core/config.js';
import { OPERATOR_OUTPUTS } from '../functions/adapters/cloudformation/stack-outputs.js';
import { ContentBucket } from './constructs/content-bucket.js';
import { Delivery } from './constructs/delivery.js';
import { DigestJob } from './constructs/digest-job.js';
import { MailSending } from './constructs/mail-sending.js';
import { NewsletterTable } from './constructs/newsletter-table.js';
import { OperationsAlarms } from './constructs/operations-alarms.js';
import { ListOperatorPolicy } from './constructs/list-operator-policy.js';
import { OperatorPolicy } from './constructs/operator-policy.js';
import { SesFeedback } from './constructs/ses-feedback.js';
import { SubscriptionApi } from './constructs/subscription-api.js';
import { TokenSecret } from './constructs/token-secret.js';
import type { DeployParameters } from './deploy-parameters.js';
import { OWN_TEMPLATES_FOLDER, type OwnTemplateFolder } from './own-templates.js';

export interface NewsletterStackProps extends StackProps {
  config: Config;
  parameters: DeployParameters;
  /** Newsletters' own template folders (infra/own-templates.ts), copied into the bundles of the functions that render. */
  ownTemplates?: readonly OwnTemplateFolder[];
}

/** Lambda allows 4 KB of environment in all; leave room for the other variables. */
const MAX_CONFIG_JSON_BYTES = 3000;

/**
 * The whole product on AWS: table, bucket, token key, SES, the subscription API, the fan-out of an
 * edition through SQS to the senders, one schedule per newsletter, bounce handling and alarms.
 * Environment-agnostic: it synthesises without an account and deploys to the CLI's account and region.
 */
export class NewsletterStack extends Stack {
  readonly table: NewsletterTable;
  readonly bucket: ContentBucket;
  readonly mail: MailSending;
  readonly subscriptionApi: SubscriptionApi;
  readonly delivery: Delivery;
  readonly digest: DigestJob;
  readonly feedback: SesFeedback;
  readonly alarms: OperationsAlarms;
  readonly operator: OperatorPolicy;
  readonly listOperator: ListOperatorPolicy;

  constructor(scope: Construct, id: string, props: NewsletterStackProps) {
    super(scope, id, { description: 'Key-points newsletter: scheduled digests sent through Amazon SES', ...props });
    const { config, parameters } = props;
    const ownTemplates = props.ownTemplates ?? [];

    this.table = new NewsletterTable(this, 'Data');
    this.bucket = new ContentBucket(this, 'Content');
    const secret = new TokenSecret(this, 'TokenKey', parameters.tokenSigningKeysArn ? { signingKeysArn: parameters.tokenSigningKeysArn } : {});
    this.mail = new MailSending(this, 'Mail', {
      domain: parameters.domain,
      sandboxRecipients: parameters.sandboxRecipients,
      fromAddresses: config.newsletters.map((n) => n.from.email),
      existingIdentity: parameters.existingIdentity,
      dmarcPolicy: parameters.dmarcPolicy,
      ...(parameters.dmarcReportEmail ? { dmarcReportEmail: parameters.dmarcReportEmail } : {}),
      ...(parameters.hostedZone ? { hostedZone: parameters.hostedZone } : {}),
    });

    let configJson: string | undefined;
    this.subscriptionApi = new SubscriptionApi(this, 'Subscriptions', {
      configJsonFor: (apiBaseUrl) => (configJson = deployedConfigJson(config, apiBaseUrl)),
      ownTemplates,
      table: this.table,
      secret,
      mail: this.mail,
      ...(parameters.baseUrl ? { baseUrl: parameters.baseUrl } : {}),
      ...(parameters.apiRateLimit ? { rateLimit: parameters.apiRateLimit } : {}),
      ...(parameters.unsubscribeRateLimit ? { unsubscribeRateLimit: parameters.unsubscribeRateLimit } : {}),
      ...(parameters.perClientLimits ? { perClientLimits: true } : {}),
      sendRate: parameters.sendRate,
      ...(parameters.domainName && parameters.hostedZone ? { domainName: parameters.domainName, hostedZone: parameters.hostedZone } : {}),
    });
    const deployedConfig = configJson ?? deployedConfigJson(config, this.subscriptionApi.baseUrl);

    this.delivery = new Delivery(this, 'Delivery', { configJson: deployedConfig, table: this.table, secret, mail: this.mail, sendRate: parameters.sendRate });
    // An edition approved by its review link is queued for the senders at once, not at the next run.
    this.delivery.grantEnqueue(this.subscriptionApi.function);
    this.digest = new DigestJob(this, 'Digest', {
      newsletters: config.newsletters,
      configJson: deployedConfig,
      ownTemplates,
      table: this.table,
      bucket: this.bucket,
      secret,
      mail: this.mail,
      delivery: this.delivery,
    });
    this.feedback = new SesFeedback(this, 'Feedback', { configJson: deployedConfig, table: this.table, mail: this.mail, secret });
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      ...(parameters.alarmEmail ? { alarmEmail: parameters.alarmEmail } : {}),
      deadLetterQueues: [
        { name: 'Send', queue: this.delivery.deadLetterQueue },
        { name: 'Digest', queue: this.digest.deadLetterQueue },
        { name: 'Feedback', queue: this.feedback.deadLetterQueue },
      ],
      sendQueue: this.delivery.queue,
      api: this.subscriptionApi.api,
      functions: [
        { name: 'Sender', function: this.delivery.sender },
        { name: 'Digest', function: this.digest.function },
        { name: 'Feedback', function: this.feedback.function },
        { name: 'SubscriptionApi', function: this.subscriptionApi.function },
      ],
    });

    this.operator = new OperatorPolicy(this, 'Operator', { table: this.table.table, sendQueue: this.delivery.queue });
    this.listOperator = new ListOperatorPolicy(this, 'ListOperator', { table: this.table.table, tokenSecret: secret.secret });

    new CfnOutput(this, 'BucketName', { description: `Upload articles under articles/<newsletter id>/ here`, value: this.bucket.bucket.bucketName });
    new CfnOutput(this, 'DigestFunctionName', {
      description: 'Invoke with {"newsletterId": "<id>"} to run an edition now',
      value: this.digest.function.functionName,
    });
    new CfnOutput(this, OPERATOR_OUTPUTS.tableName, {
      description: 'Kept when the stack is deleted (subscribers and consent)',
      value: this.table.table.tableName,
    });
    new CfnOutput(this, OPERATOR_OUTPUTS.sendQueueUrl, {
      description: 'Where "newsletter editions resume|resend --aws" queues batches for the senders',
      value: this.delivery.queue.queueUrl,
    });
    new CfnOutput(this, 'OperatorPolicyArn', {
      description: 'Attach to the role or group of whoever runs "newsletter editions ... --aws" (least privilege for those commands)',
      value: this.operator.policy.managedPolicyArn,
    });
    new CfnOutput(this, 'ListOperatorPolicyArn', {
      description: 'Attach, with OperatorPolicyArn, to whoever runs "newsletter subscribers add|import|remove|unsuppress --aws" (reads the token secret)',
      value: this.listOperator.policy.managedPolicyArn,
    });
    new CfnOutput(this, OPERATOR_OUTPUTS.tokenSecretArn, {
      description: 'Id key (keys subscriber ids, never changes; signs links until a rotation); kept when the stack is deleted',
      value: secret.secret.secretArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe here to hear about failures', value: this.alarms.topic.topicArn });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of deliveries, queues, functions, the API and SES reputation',
      value: this.alarms.dashboard.dashboardName,
    });
    new CfnOutput(this, 'SendRate', {
      description: 'Senders at once x messages per second each',
      value: `${this.delivery.capacity.maxConcurrency} x ${this.delivery.capacity.ratePerSender}/s`,
    });
  }
}

/**
 * The configuration the functions get: a newsletter whose `baseUrl` points at this machine (the local
 * default) gets the deployed subscription API's address instead, so links in emails work; and
 * `templatesDir` names the bundle's folder of own templates, where the functions look for them.
 */
function deployedConfigJson(config: Config, apiBaseUrl: string): string {
  const deployed: Config = {
    ...config,
    templatesDir: OWN_TEMPLATES_FOLDER,
    newsletters: config.newsletters.map((n) => (isLoopback(n.baseUrl) ? { ...n, baseUrl: apiBaseUrl } : n)),
  };
  const json = JSON.stringify(deployed);
  if (Buffer.byteLength(json, 'utf8') > MAX_CONFIG_JSON_BYTES) {
    throw new Error(
      `the newsletter config is ${Buffer.byteLength(json, 'utf8')} bytes as JSON, more than ` +
        `the ${MAX_CONFIG_JSON_BYTES} that fit in a Lambda environment: shorten titles and addresses, or split ` +
        `newsletters over two stacks`,
    );
  }
  return json;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
}
