import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { guardRule, wildcardArnFinding } from '../nag-findings.js';
import type { NewsletterFunction } from './newsletter-function.js';

/** Publishers upload articles under `articles/<newsletter id>/`. */
const ARTICLES_PREFIX = 'articles/';

/**
 * The bucket publishers upload articles to: private, encrypted, TLS only. The functions only read
 * it; rendered editions and the public archive live in the table (served by the subscription API).
 */
export class ContentBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      // An article overwritten or deleted by mistake can be brought back; old versions expire below.
      versioned: true,
      lifecycleRules: [
        { id: 'old-versions', noncurrentVersionExpiration: Duration.days(30) },
        { id: 'abandoned-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    const accessLogsReason =
      'Server access logs would need a second bucket that nobody reads: the bucket is private and read only by the ' +
      "digest function's role. Publishers' uploads are not logged by default (CloudTrail records object writes only " +
      'where the account turns on S3 data events): turn those on, or add access logs, if uploads must be audited.';
    Validations.of(this.bucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: accessLogsReason },
      { id: guardRule('s3_bucket_logging_enabled_check'), reason: accessLogsReason },
      {
        id: guardRule('s3_bucket_default_encryption_kms_check'),
        reason:
          'Articles are public writing: S3-managed encryption protects them at rest; a KMS key would add cost and a key ' +
          'policy to every reader role for no gain.',
      },
      {
        id: guardRule('s3_event_notifications_enabled_check'),
        reason: 'Nothing reacts to uploads: the digest runs on its schedule and reads the prefix then, so event notifications would have no consumer.',
      },
      {
        id: guardRule('s3_bucket_object_lock_enabled_check'),
        reason:
          'Object Lock would forbid deleting an article, which an operator must be able to do (a takedown); versioning ' +
          'already keeps a deleted object for 30 days.',
      },
    );
  }

  /** Lists and reads articles under `articles/`; sets BUCKET_NAME. */
  grantArticlesRead(fn: NewsletterFunction): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${ARTICLES_PREFIX}*`] } },
      }),
    );
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${ARTICLES_PREFIX}*`)] }));
    Validations.of(fn.role!).acknowledge({
      id: wildcardArnFinding(this.bucket, `/${ARTICLES_PREFIX}*`),
      reason:
        'Article keys are chosen by publishers at upload time, so reading them needs the articles/ prefix with a ' +
        'wildcard; nothing outside that prefix is readable.',
    });
    fn.addEnvironment(ENV_NAMES.bucketName, this.bucket.bucketName);
  }
}
