import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Source } from '../../../functions/adapters/sources/s3-source.js';
import { startFakeS3, type FakeS3 } from '../../support/fake-s3-server.js';

/**
 * A loopback server speaking just enough of the S3 REST API (path-style ListObjectsV2 and
 * GetObject) for the real S3Client. Listing pages hold two keys, so paging is exercised.
 */
const bucket = 'newsletter-inbox';
const objects = new Map<string, string>([
  ['inbox/2024/a-launch.md', '---\ntitle: We launched\nurl: https://blog.example/launch\n---\nToday we launched.'],
  ['inbox/b-notes.txt', 'Notes from the harbour meeting.'],
  [
    'inbox/c-page.html',
    '<html lang="en"><head><title>Bay news</title></head><body><nav>Home</nav><article><p>The bay is clean again.</p></article></body></html>',
  ],
  ['inbox/d-image.png', 'binary'],
  ['inbox/.hidden.md', 'A dotfile.'],
  ['inbox/e-empty.txt', '   '],
  ['inbox/f-gone.txt', 'listed, but deleted before it is read'],
  ['other/z.txt', 'Outside the prefix.'],
]);
const deletedAfterListing = new Set(['inbox/f-gone.txt']);
let requests: string[] = [];

describe('S3Source', () => {
  let server: FakeS3;
  let client: S3Client;

  beforeAll(async () => {
    server = await startFakeS3({ bucket, objects, vanished: deletedAfterListing });
    requests = server.requests;
    client = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('reads .txt, .md and .html objects under the prefix across listing pages, in key order', async () => {
    const { articles } = await new S3Source({ client, bucket, prefix: 'inbox/' }).collect();

    expect(articles).toEqual([
      {
        location: 's3://newsletter-inbox/inbox/2024/a-launch.md',
        format: 'markdown',
        title: 'We launched',
        url: 'https://blog.example/launch',
        body: 'Today we launched.',
      },
      { location: 's3://newsletter-inbox/inbox/b-notes.txt', format: 'text', body: 'Notes from the harbour meeting.' },
      { location: 's3://newsletter-inbox/inbox/c-page.html', format: 'text', title: 'Bay news', body: 'The bay is clean again.', language: 'en' },
    ]);
    expect(requests.filter((request) => request.includes('list-type=2')).length).toBeGreaterThan(1);
    expect(requests.some((request) => request.includes('d-image.png') || request.includes('.hidden.md'))).toBe(false);
  });

  it('reports objects it cannot use and carries on', async () => {
    const { problems } = await new S3Source({ client, bucket, prefix: 'inbox/' }).collect();
    expect(problems).toEqual([
      { location: 's3://newsletter-inbox/inbox/e-empty.txt', reason: 'the file has no article text' },
      { location: 's3://newsletter-inbox/inbox/f-gone.txt', reason: 'could not be read: the object no longer exists' },
    ]);
  });

  it('skips objects larger than the limit with a problem, without downloading them', async () => {
    requests.length = 0;
    const { problems } = await new S3Source({ client, bucket, prefix: 'inbox/b-', maxObjectBytes: 10 }).collect();
    expect(problems).toEqual([{ location: 's3://newsletter-inbox/inbox/b-notes.txt', reason: 'larger than 10 bytes; split it into smaller articles' }]);
    expect(requests.some((request) => request.startsWith('GET /newsletter-inbox/inbox/b-notes.txt'))).toBe(false);
  });

  it('gives one problem naming the bucket when it does not exist', async () => {
    const source = new S3Source({ client, bucket: 'no-such-bucket', prefix: 'inbox/' });
    expect(source.description).toBe('s3 s3://no-such-bucket/inbox/');
    expect(await source.collect()).toEqual({
      articles: [],
      failed: true,
      problems: [
        { location: 's3://no-such-bucket/inbox/', reason: 'the articles could not be listed: the bucket does not exist: check the bucket name and region' },
      ],
    });
  });
});
