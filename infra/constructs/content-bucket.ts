import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ENV_NAMES } from '../../functions/handlers/environment.js';
import { wildcardArnFinding } from '../nag-findings.js';
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
      lifecycleRules: [
        {
          id: 'old-renders',
          prefix: EDITIONS_PREFIX,
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }],
          expiration: Duration.days(730),
        },
        { id: 'abandoned-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Server access logs would need a second bucket that nobody reads: the bucket is private, reached only by the stack\'s own function roles, and object writes by publishers are visible in CloudTrail.',
    });
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
