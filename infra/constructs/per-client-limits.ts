import { Aws, CfnRule, Fn, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../functions/handlers/http/http-event.js';
import { guardRule } from '../nag-findings.js';

/** Requests per client IP address in 5 minutes before WAF blocks the client (AWS WAF's minimum is 10). */
export const PER_CLIENT_LIMITS = {
  /** The routes that send mail (sign-up, confirm, the preferences form that mails an erase link). */
  signUps: 100,
  /** Everything else but /unsubscribe. */
  pages: 2000,
} as const;

/** Paths whose requests may send mail: `/subscribe`, `/confirm`, `/preferences`, `/erase`. */
const SIGN_UP_PATHS = ['/subscribe', '/confirm', '/preferences', '/erase'];

export interface PerClientLimitsProps {
  api: apigw.HttpApi;
}

/**
 * Limits per client for the public pages: CloudFront in front of the HTTP API, with an AWS WAF web
 * ACL of two rate-based rules (per client IP address, 5-minute window): one for the routes that send
 * mail, one for every page but /unsubscribe, which has none, since mailbox providers send their
 * readers' one-click unsubscribes from a few addresses of their own. HTTP APIs cannot have a web ACL
 * themselves, and CloudFront's web ACLs exist only in us-east-1, so the stack must be deployed
 * there with this option. Costs: docs/security.md.
 *
 * CloudFront adds a secret header (ORIGIN_VERIFY_HEADER) to what it forwards and passes the
 * client's address in CloudFront-Viewer-Address; the function trusts that address only beside the
 * secret, so its own per-client sign-up limits count clients, not CloudFront's servers.
 */
export class PerClientLimits extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;
  readonly originVerify: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PerClientLimitsProps) {
    super(scope, id);
    new CfnRule(this, 'DeployedInUsEast1', {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
          assertDescription: 'perClientLimits needs the stack in us-east-1, where CloudFront web ACLs live: deploy there, or leave -c perClientLimits off',
        },
      ],
    });

    this.originVerify = new secretsmanager.Secret(this, 'OriginVerify', {
      description: 'Proves to the subscription function that a request came through the CloudFront distribution',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.originVerify).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The origin-verify value is read by CloudFront and the function at deploy time only; rotating it means a ' +
        'redeploy, which changing it in place would not trigger, so it is replaced by hand if it ever leaks.',
    });

    const rule = (name: string, priority: number, limit: number, scopeDown: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: { block: {} },
      statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300, scopeDownStatement: scopeDown } },
      visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: name },
    });
    const pathStarts = (path: string): wafv2.CfnWebACL.StatementProperty => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: path,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Per-client request limits of the newsletter pages, never on /unsubscribe',
      visibilityConfig: { sampledRequestsEnabled: true, cloudWatchMetricsEnabled: true, metricName: 'NewsletterPages' },
      rules: [
        rule('SignUpsPerClient', 0, PER_CLIENT_LIMITS.signUps, { orStatement: { statements: SIGN_UP_PATHS.map(pathStarts) } }),
        rule('PagesPerClient', 1, PER_CLIENT_LIMITS.pages, { notStatement: { statement: pathStarts('/unsubscribe') } }),
      ],
    });

    // Nothing is cached: every page is personal or changes state. The viewer's Host header must not
    // reach API Gateway (it routes by its own host name), so headers are listed one by one.
    const originRequestPolicy = new cloudfront.OriginRequestPolicy(this, 'ForwardToApi', {
      comment: 'Newsletter pages: the headers the subscription function reads, and the client address',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
        'CloudFront-Viewer-Address',
        'Accept',
        'Accept-Language',
        'Content-Type',
        'Origin',
        'Referer',
        'User-Agent',
      ),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.none(),
    });
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Newsletter subscription pages with per-client limits',
      webAclId: this.webAcl.attrArn,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiHost, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originVerify.secretValue.unsafeUnwrap() },
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      },
    });
    const noLogs =
      'API Gateway access logs already record every request that reaches the pages; CloudFront logs would be a second copy of the client IP addresses.';
    const ownName =
      "The distribution answers on its own cloudfront.net name with CloudFront's certificate (SNI is not used for it," +
      ' and TLS below 1.2 cannot be turned off on it); a custom domain is how to narrow TLS, which -c baseUrl allows ' +
      'once you add one.';
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The newsletter is open to readers anywhere; a geographic restriction would refuse some of them their unsubscribe link.',
      },
      { id: 'AwsSolutions-CFR3', reason: noLogs },
      { id: 'AwsSolutions-CFR4', reason: ownName },
      { id: guardRule('cloudfront_access_logs_enabled_check'), reason: noLogs },
      { id: guardRule('cloudfront_custom_ssl_certificate_check'), reason: ownName },
      { id: guardRule('cloudfront_sni_enabled_check'), reason: ownName },
      { id: guardRule('cloudfront_security_policy_check'), reason: ownName },
      {
        id: guardRule('cloudfront_default_root_object_configured_check'),
        reason: 'The origin is the subscription API, which answers / with the sign-up page itself; a default root object is for S3 origins.',
      },
      {
        id: guardRule('cloudfront_origin_failover_enabled_check'),
        reason: 'There is one API to fail over to; if it is down, a second origin would be the same API. The route throttles stay behind CloudFront.',
      },
    );
  }
}
