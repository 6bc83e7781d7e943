import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { SourceConfig } from '../../core/config.js';
import type { ArticleSource } from '../../ports/article-source.js';
import { FeedSource } from './feed-source.js';
import { FolderSource } from './folder-source.js';
import type { HttpFetchOptions } from './http-fetch.js';
import { PageSource } from './page-source.js';
import { S3Source } from './s3-source.js';

export interface CreateSourcesOptions {
  /** Folder paths in the configuration are relative to this folder (the configuration file's). */
  baseDir: string;
  /** Used by every S3 source; one is created from the standard AWS settings when none is given. */
  s3?: S3Client;
  fetchOptions?: HttpFetchOptions;
}

/**
 * Builds the article sources a newsletter's configuration names, in the same order.
 *
 * @example
 * const sources = createSources(newsletter.sources, { baseDir: dirname(configPath) });
 */
export function createSources(sources: SourceConfig[], options: CreateSourcesOptions): ArticleSource[] {
  let s3 = options.s3;
  return sources.map((source): ArticleSource => {
    switch (source.type) {
      case 'folder':
        return new FolderSource(resolve(options.baseDir, source.path), { displayName: source.path });
      case 'feed':
        return new FeedSource(source.url, {
          followLinks: source.followLinks,
          maxItems: source.maxItems,
          ...(options.fetchOptions ? { fetch: options.fetchOptions } : {}),
        });
      case 'page':
        return new PageSource(source.urls, options.fetchOptions ? { fetch: options.fetchOptions } : {});
      case 's3':
        s3 ??= new S3Client({});
        return new S3Source({ client: s3, bucket: source.bucket, prefix: source.prefix });
    }
  });
}
