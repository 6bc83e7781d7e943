import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonHandler = (body: Record<string, unknown>) => unknown;

/** One entry of an SQS SendMessageBatch request, as the SDK sends it. */
export interface SqsBatchEntry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
}

/**
 * SQS's answer to a SendMessageBatch that accepted every entry. The SDK checks each body's MD5, so
 * the answer must carry the real one; message ids are unique per entry.
 */
export function acceptedBatch(entries: readonly SqsBatchEntry[]): { Successful: { Id: string; MessageId: string; MD5OfMessageBody: string }[]; Failed: [] } {
  return {
    Successful: entries.map((e) => {
      const md5 = createHash('md5').update(e.MessageBody).digest('hex');
      return { Id: e.Id, MessageId: `${md5}-${e.Id}`, MD5OfMessageBody: md5 };
    }),
    Failed: [],
  };
}

/**
 * A loopback server speaking the AWS JSON protocol (`X-Amz-Target: Service.Operation`), for services
 * with no local server on this machine (SQS, Secrets Manager). Only the operations a test names exist.
 */
export async function startAwsJsonServer(
  handlers: Record<string, JsonHandler>,
): Promise<{ url: string; calls: { target: string; body: Record<string, unknown> }[]; close(): Promise<void> }> {
  const calls: { target: string; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      calls.push({ target, body });
      const handler = handlers[target];
      if (!handler) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `no handler for ${target}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(handler(body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
