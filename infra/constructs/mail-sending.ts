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
  /**
   * The newsletters' from addresses. SES authorises a send against the most specific verified
   * identity of the From address, so an address verified on its own (as many operators do first)
   * must be allowed as well as the domain.
   */
  fromAddresses?: string[];
  /** Use the identity of `domain` that already exists in the account; no DKIM or MAIL FROM records are made. */
  existingIdentity?: boolean;
  /** With a hosted zone: the DMARC policy to publish, or `off`. @default 'none' */
  dmarcPolicy?: 'none' | 'quarantine' | 'reject' | 'off';
  /** Where DMARC aggregate reports go. */
  dmarcReportEmail?: string;
}

/** The MAIL FROM subdomain: bounces come back to SES there, and SPF aligns with the sending domain. */
const MAIL_FROM_SUBDOMAIN = 'bounce';

/**
 * Amazon SES for the newsletter: the domain identity with Easy DKIM, a configuration set that
 * every message goes through, and its bounce and complaint events published to an SNS topic.
 */
export class MailSending extends Construct {
  readonly identity: ses.IEmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** Bounces, complaints, deliveries, rejects and delivery delays of every message sent through the configuration set. */
  readonly feedbackTopic: sns.Topic;
  private readonly sendResources: string[];

  constructor(scope: Construct, id: string, props: MailSendingProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    const mailFromDomain = props.hostedZone ? `${MAIL_FROM_SUBDOMAIN}.${props.domain}` : undefined;
    if (props.existingIdentity) {
      // Its DKIM records were published when it was verified; every send names the configuration set.
      this.identity = ses.EmailIdentity.fromEmailIdentityName(this, 'Identity', props.domain);
    } else {
      const identity = new ses.EmailIdentity(this, 'Identity', {
        identity: ses.Identity.domain(props.domain),
        dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
        configurationSet: this.configurationSet,
        // Without its MX record (below) SES falls back to amazonses.com rather than refusing to send.
        ...(mailFromDomain ? { mailFromDomain, mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE } : {}),
      });
      this.identity = identity;
      this.publishDkimRecords(props, identity);
      if (mailFromDomain && props.hostedZone) this.publishMailFromRecords(props.hostedZone.hostedZoneId, mailFromDomain);
    }
    if (props.hostedZone && (props.dmarcPolicy ?? 'none') !== 'off') this.publishDmarcRecord(props);

    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', { displayName: 'SES delivery events', enforceSSL: true });
    // Deliveries, rejects and delays are counted on their edition (message tag "edition"), for
    // "editions show" and the review page; bounces and complaints also suppress the address.
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.REJECT,
        ses.EmailSendingEvent.DELIVERY_DELAY,
      ],
    });

    const stack = Stack.of(this);
    const fromAddresses = [...new Set((props.fromAddresses ?? []).map((a) => a.toLowerCase()))];
    this.sendResources = [
      this.identity.emailIdentityArn,
      ...fromAddresses.map((address) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: address })),
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
      reason:
        'ses:GetSendQuota is an account-level read that supports no resource type, so "*" is the only resource IAM ' +
        'accepts for it; every other action of this role is scoped.',
    });
  }

  /** MX and SPF of the MAIL FROM subdomain, so that SPF passes and aligns for DMARC. */
  private publishMailFromRecords(hostedZoneId: string, mailFromDomain: string): void {
    const region = Stack.of(this).region;
    new route53.CfnRecordSet(this, 'MailFromMx', {
      hostedZoneId,
      name: mailFromDomain,
      type: 'MX',
      resourceRecords: [`10 feedback-smtp.${region}.amazonses.com`],
      ttl: '1800',
    });
    new route53.CfnRecordSet(this, 'MailFromSpf', {
      hostedZoneId,
      name: mailFromDomain,
      type: 'TXT',
      resourceRecords: ['"v=spf1 include:amazonses.com ~all"'],
      ttl: '1800',
    });
  }

  /** Gmail and Yahoo require a DMARC record of bulk senders; `p=none` watches without risking delivery. */
  private publishDmarcRecord(props: MailSendingProps): void {
    const policy = props.dmarcPolicy ?? 'none';
    const rua = props.dmarcReportEmail ? ` rua=mailto:${props.dmarcReportEmail};` : '';
    new route53.CfnRecordSet(this, 'DmarcRecord', {
      hostedZoneId: props.hostedZone!.hostedZoneId,
      name: `_dmarc.${props.domain}`,
      type: 'TXT',
      resourceRecords: [`"v=DMARC1; p=${policy};${rua}"`],
      ttl: '1800',
    });
  }

  private publishDkimRecords(props: MailSendingProps, identity: ses.EmailIdentity): void {
    const zone = props.hostedZone;
    if (zone) {
      const zoneName = zone.zoneName.replace(/\.$/, '');
      if (props.domain !== zoneName && !props.domain.endsWith(`.${zoneName}`)) {
        throw new Error(`domain "${props.domain}" is not inside the hosted zone "${zoneName}": pass -c zoneName=<the zone holding ${props.domain}>`);
      }
      identity.dkimRecords.forEach((record, i) => {
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
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimCname${i + 1}`, {
        description: `DKIM record ${i + 1} of 3 to publish in the DNS of ${props.domain} (CNAME name, then value)`,
        value: `${record.name} CNAME ${record.value}`,
      }).overrideLogicalId(`DkimCname${i + 1}`);
    });
  }
}
