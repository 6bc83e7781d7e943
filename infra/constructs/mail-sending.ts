import { CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import type { NewsletterFunction } from './newsletter-function.js';

export interface MailSendingProps {
  /** The sending domain, verified with Easy DKIM. */
  domain: string;
  /** When given, the DKIM records are published here; otherwise they are stack outputs. */
  hostedZone?: { hostedZoneId: string; zoneName: string };
  /**
   * Verified recipient addresses to allow while the account is in the SES sandbox, where SES also
   * authorises the send against the recipient's identity.
   */
  sandboxRecipients?: string[];
}

/**
 * Amazon SES for the newsletter: the domain identity with Easy DKIM, a configuration set that
 * every message goes through, and its bounce and complaint events published to an SNS topic.
 */
export class MailSending extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** Bounces and complaints of every message sent through the configuration set. */
  readonly feedbackTopic: sns.Topic;
  private readonly sendResources: string[];

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(props.domain),
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      configurationSet: this.configurationSet,
    });

    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', { displayName: 'SES bounces and complaints', enforceSSL: true });
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    this.publishDkimRecords(props);

    const stack = Stack.of(this);
    this.sendResources = [
      this.identity.emailIdentityArn,
      stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
      ...(props.sandboxRecipients ?? []).map((address) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: address })),
    ];
  }

  /** `ses:SendRawEmail` through this identity and configuration set only; sets SES_CONFIGURATION_SET. */
  grantSendRaw(fn: NewsletterFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendRawEmail'], resources: this.sendResources }));
    fn.addEnvironment(ENV_NAMES.configurationSet, this.configurationSet.configurationSetName);
  }

  /** `ses:GetSendQuota`, to pace to the account's send rate and stop at its 24-hour quota. */
  grantReadQuota(fn: NewsletterFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
    Validations.of(fn.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ses:GetSendQuota is an account-level read that supports no resource type, so "*" is the only resource IAM accepts for it; every other action of this role is scoped.',
    });
  }

  private publishDkimRecords(props: MailSendingProps): void {
    const zone = props.hostedZone;
    if (zone) {
      const zoneName = zone.zoneName.replace(/\.$/, '');
      if (props.domain !== zoneName && !props.domain.endsWith(`.${zoneName}`)) {
        throw new Error(`domain "${props.domain}" is not inside the hosted zone "${zoneName}": pass -c zoneName=<the zone holding ${props.domain}>`);
      }
      this.identity.dkimRecords.forEach((record, i) => {
        new route53.CfnRecordSet(this, `DkimRecord${i + 1}`, {
          hostedZoneId: zone.hostedZoneId,
          name: record.name,
          type: 'CNAME',
          resourceRecords: [record.value],
          ttl: '1800',
        });
      });
      return;
    }
    this.identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimCname${i + 1}`, {
        description: `DKIM record ${i + 1} of 3 to publish in the DNS of ${props.domain} (CNAME name, then value)`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }
}
