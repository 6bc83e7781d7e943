import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { guardRule, wildcardArnFinding } from '../nag-findings.js';
import type { NewsletterFunction } from './newsletter-function.js';

/** Publishers upload articles under `articles/<newsletter id>/`. */
export const ARTICLES_PREFIX = 'articles/';
/** The web archive of sent editions. */
export const EDITIONS_PREFIX = 'editions/';

/**
 * The bucket for articles and the archive of rendered editions: private, encrypted, TLS only.
 * Old renders move to Infrequent Access and expire after two years; the list itself lives in
 * DynamoDB, so nothing here is needed to send the next edition.
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
        {
          id: 'old-renders',
          prefix: EDITIONS_PREFIX,
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
          expiration: Duration.days(730),
        },
        { id: 'abandoned-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    const accessLogsReason =
      'Server access logs would need a second bucket that nobody reads: the bucket is private, reached only by the stack\'s own function roles, and object writes by publishers are visible in CloudTrail.';
    Validations.of(this.bucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: accessLogsReason },
      { id: guardRule('s3_bucket_logging_enabled_check'), reason: accessLogsReason },
      {
        id: guardRule('s3_bucket_default_encryption_kms_check'),
        reason: 'Articles are public writing and renders are what every subscriber receives: S3-managed encryption protects them at rest; a KMS key would add cost and a key policy to every reader role for no gain.',
      },
      {
        id: guardRule('s3_event_notifications_enabled_check'),
        reason: 'Nothing reacts to uploads: the digest runs on its schedule and reads the prefix then, so event notifications would have no consumer.',
      },
      {
        id: guardRule('s3_bucket_object_lock_enabled_check'),
        reason: 'Object Lock would forbid deleting an article or an edition render, which an operator must be able to do (a takedown); versioning already keeps a deleted object for 30 days.',
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
      reason: 'Article keys are chosen by publishers at upload time, so reading them needs the articles/ prefix with a wildcard; nothing outside that prefix is readable.',
    });
    fn.addEnvironment(ENV_NAMES.bucketName, this.bucket.bucketName);
  }

  /** Writes rendered editions under `editions/`; sets BUCKET_NAME. */
  grantEditionsWrite(fn: NewsletterFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${EDITIONS_PREFIX}*`)] }));
    Validations.of(fn.role!).acknowledge({
      id: wildcardArnFinding(this.bucket, `/${EDITIONS_PREFIX}*`),
      reason: 'Each edition gets a new key named by its edition id, unknown at deploy time, so writing needs the editions/ prefix with a wildcard; nothing outside that prefix is writable.',
    });
    fn.addEnvironment(ENV_NAMES.bucketName, this.bucket.bucketName);
  }
}
