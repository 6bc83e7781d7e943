import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  endpoint: string;
  /** Every request as `METHOD /path?query`, for asserting what was read. */
  requests: string[];
  close(): Promise<void>;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A loopback server speaking just enough of the S3 REST API (path-style ListObjectsV2 and
 * GetObject) for the real S3Client. Listing pages hold `pageSize` keys, so paging is exercised.
 * Keys in `vanished` are listed but answer NoSuchKey, like an object deleted after the listing.
 */
export async function startFakeS3(options: {
  bucket: string;
  objects: ReadonlyMap<string, string>;
  pageSize?: number;
  vanished?: ReadonlySet<string>;
}): Promise<FakeS3> {
  const { bucket, objects } = options;
  const pageSize = options.pageSize ?? 2;
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const [, requestedBucket, ...keyParts] = url.pathname.split('/');
    const error = (status: number, code: string, message: string): void => {
      response.writeHead(status, { 'content-type': 'application/xml' });
      response.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
    };
    if (requestedBucket !== bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');

    if (keyParts.length === 0 || (keyParts.length === 1 && keyParts[0] === '')) {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...objects.keys()].filter((key) => key.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get('continuation-token') ?? 0);
      const page = keys.slice(start, start + pageSize);
      const truncated = start + pageSize < keys.length;
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>` +
          `<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${start + pageSize}</NextContinuationToken>` : ''}` +
          page
            .map(
              (key) =>
                `<Contents><Key>${xmlEscape(key)}</Key><Size>${Buffer.byteLength(objects.get(key) ?? '')}</Size>` +
                `<StorageClass>STANDARD</StorageClass></Contents>`,
            )
            .join('') +
          `</ListBucketResult>`,
      );
      return;
    }

    const key = keyParts.map(decodeURIComponent).join('/');
    const body = objects.get(key);
    if (body === undefined || options.vanished?.has(key)) return error(404, 'NoSuchKey', 'The specified key does not exist.');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
