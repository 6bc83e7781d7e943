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
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch covers every source type; TypeScript fails the build when one is missing.
  return sources.map((source): ArticleSource => {
    switch (source.type) {
      case 'folder':
        return new FolderSource(resolve(options.baseDir, source.path), { displayName: source.path });
      case 'feed':
        return new FeedSource(source.url, {
          followLinks: source.followLinks,
          maxItems: source.maxItems,
          fetch: fetchOptionsFor(source, options.fetchOptions),
          ...budgetOf(source),
        });
      case 'page':
        return new PageSource(source.urls, { fetch: fetchOptionsFor(source, options.fetchOptions), ...budgetOf(source) });
      case 's3':
        s3 ??= new S3Client({});
        return new S3Source({ client: s3, bucket: source.bucket, prefix: source.prefix });
    }
  });
}

function fetchOptionsFor(source: { allowPrivateHosts?: string[] | undefined }, base: HttpFetchOptions = {}): HttpFetchOptions {
  return source.allowPrivateHosts ? { ...base, allowPrivateHosts: source.allowPrivateHosts } : base;
}

function budgetOf(source: { timeBudgetSeconds?: number | undefined }): { timeBudgetMs?: number } {
  return source.timeBudgetSeconds === undefined ? {} : { timeBudgetMs: source.timeBudgetSeconds * 1000 };
}
