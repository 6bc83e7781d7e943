import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSources } from '../../../functions/adapters/sources/create-sources.js';
import { FeedSource } from '../../../functions/adapters/sources/feed-source.js';
import { FolderSource } from '../../../functions/adapters/sources/folder-source.js';
import { PageSource } from '../../../functions/adapters/sources/page-source.js';
import { S3Source } from '../../../functions/adapters/sources/s3-source.js';
import { parseConfig } from '../../../functions/core/config.js';
import { newsletterInput } from '../../support/newsletters.js';
import { serve, startFixtureServer } from './fixture-server.js';

describe('createSources', () => {
  let baseDir: string;

  beforeAll(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'create-sources-'));
    await mkdir(join(baseDir, 'articles'));
    await writeFile(join(baseDir, 'articles', 'hello.txt'), 'Hello from the configured folder.');
  });

  afterAll(() => rm(baseDir, { recursive: true, force: true }));

  it('builds one source per configured entry, in order', () => {
    const s3 = new S3Client({ region: 'us-east-1' });
    const sources = createSources(
      [
        { type: 'folder', path: 'articles' },
        { type: 'feed', url: 'https://example.com/feed.xml', followLinks: false, maxItems: 20 },
        { type: 'page', urls: ['https://example.com/a'] },
        { type: 's3', bucket: 'inbox-bucket', prefix: 'weekly/' },
      ],
      { baseDir, s3 },
    );
    expect(sources.map((source) => source.constructor)).toEqual([FolderSource, FeedSource, PageSource, S3Source]);
    expect(sources.map((source) => source.description)).toEqual([
      'folder articles/',
      'feed https://example.com/feed.xml',
      'page https://example.com/a',
      's3 s3://inbox-bucket/weekly/',
    ]);
  });

  it('lets a page source read a private host only when its configuration names it', async () => {
    const server = await startFixtureServer({ '/intranet': serve('<html><body><p>Intranet notice for staff.</p></body></html>', 'text/html') });
    try {
      const config = (allow: string[] | undefined) => {
        const parsed = parseConfig({
          newsletters: [
            newsletterInput({
              id: 'intranet',
              sources: [{ type: 'page', urls: [server.url('/intranet')], ...(allow ? { allowPrivateHosts: allow } : {}) }],
            }),
          ],
        });
        if (!parsed.ok) throw new Error(parsed.errors.join('; '));
        return parsed.config.newsletters[0]!.sources;
      };
      const refused = await createSources(config(undefined), { baseDir })[0]!.collect();
      expect(refused.problems[0]?.reason).toMatch(/^refused to fetch .* list it in the source's "allowPrivateHosts"$/);
      const allowed = await createSources(config(['127.0.0.1']), { baseDir })[0]!.collect();
      expect(allowed.articles.map((article) => article.body)).toEqual(['Intranet notice for staff.']);
    } finally {
      await server.close();
    }
  });

  it('reads folder paths relative to the base folder', async () => {
    const [folder] = createSources([{ type: 'folder', path: 'articles' }], { baseDir });
    const { articles } = await folder!.collect();
    expect(articles).toEqual([{ location: join(baseDir, 'articles', 'hello.txt'), format: 'text', body: 'Hello from the configured folder.' }]);
  });

  it('names the configured folder when it is missing', async () => {
    const [folder] = createSources([{ type: 'folder', path: 'posts' }], { baseDir });
    const { problems } = await folder!.collect();
    expect(problems[0]?.reason).toBe('folder posts/ does not exist: create it and put .txt, .md or .html articles in it');
  });
});
