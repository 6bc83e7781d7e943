import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ArticleProblem, RawArticle } from '../../core/article.js';
import type { ArticleSource, SourceCollection } from '../../ports/article-source.js';
import { articleFromFile, DEFAULT_MAX_FILE_BYTES, isArticleFileName } from './folder-source.js';
import { formatBytes } from './http-fetch.js';

export interface S3SourceOptions {
  client: S3Client;
  bucket: string;
  /** Only keys under this prefix are read, such as `articles/`. Default: the whole bucket. */
  prefix?: string;
  /** Larger objects are skipped with a problem. Default 5 MB. */
  maxObjectBytes?: number;
}

/**
 * Articles from the objects under an S3 prefix (an inbox publishers upload to), read like a
 * folder's files: `.txt`, `.md` and `.html` keys in key order, other keys ignored. Keys under
 * "subfolders" of the prefix are read too, since S3 has no folders.
 *
 * @example
 * const source = new S3Source({ client: new S3Client({}), bucket: 'newsletter-inbox', prefix: 'weekly/' });
 * const { articles, problems } = await source.collect();
 */
export class S3Source implements ArticleSource {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly maxObjectBytes: number;

  constructor(options: S3SourceOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.description = `s3 s3://${this.bucket}/${this.prefix}`;
  }

  async collect(): Promise<SourceCollection> {
    const articles: RawArticle[] = [];
    const problems: ArticleProblem[] = [];
    const objects: { key: string; size: number }[] = [];

    let continuationToken: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix || undefined, ContinuationToken: continuationToken }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key) objects.push({ key: object.Key, size: object.Size ?? 0 });
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken);
    } catch (error) {
      const location = `s3://${this.bucket}/${this.prefix}`;
      return { articles, problems: [{ location, reason: `the articles could not be listed: ${describeS3Error(error)}` }], failed: true };
    }

    for (const { key, size } of objects) {
      const name = key.slice(key.lastIndexOf('/') + 1);
      if (!isArticleFileName(name)) continue;
      const location = `s3://${this.bucket}/${key}`;
      if (size > this.maxObjectBytes) {
        problems.push({ location, reason: `larger than ${formatBytes(this.maxObjectBytes)}; split it into smaller articles` });
        continue;
      }
      try {
        const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        const content = (await object.Body?.transformToString('utf-8')) ?? '';
        const result = articleFromFile(name, content, location);
        if ('reason' in result) problems.push(result);
        else articles.push(result);
      } catch (error) {
        problems.push({ location, reason: `could not be read: ${describeS3Error(error)}` });
      }
    }
    return { articles, problems };
  }
}

function describeS3Error(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'NoSuchBucket') return 'the bucket does not exist: check the bucket name and region';
  if (name === 'AccessDenied') return 'access denied: allow s3:ListBucket and s3:GetObject on the bucket';
  if (name === 'NoSuchKey') return 'the object no longer exists';
  return typeof name === 'string' && name !== 'Error' && !message.includes(name) ? `${name}: ${message}` : message;
}
