import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the local SES server received it: the raw MIME, for tests and the `out/` copy. */
export interface CapturedMessage {
  messageId: string;
  source?: string;
  destinations: string[];
  raw: Buffer;
}

export interface SesFrontOptions {
  /** Where aws-ses-v2-local listens; every request is forwarded there. */
  upstream: { host: string; port: number };
  /** What GetSendQuota answers: aws-ses-v2-local has no such action. */
  quota: { maxSendRate: number; max24HourSend: number };
  /** How many raw messages to keep in memory (the oldest go first). */
  keep?: number;
}

/**
 * The local SES endpoint: a thin front to aws-ses-v2-local (the SES-compatible server with the inbox
 * viewer) that answers GetSendQuota, which aws-ses-v2-local lacks, and keeps the raw MIME of each
 * SendRawEmail, which aws-ses-v2-local parses and drops (headers such as List-Unsubscribe included).
 */
export class SesFront {
  readonly messages: CapturedMessage[] = [];
  private server?: Server;
  private sentToday = 0;
  /** Kept-alive connections to aws-ses-v2-local: a fresh TCP connection per message cost both threads. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly options: SesFrontOptions) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.agent.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const body = await readBody(req);
    const form =
      req.method === 'POST' && String(req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
        ? new URLSearchParams(body.toString('utf8'))
        : undefined;
    const action = form?.get('Action');
    if (action === 'GetSendQuota') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult>` +
          `<SentLast24Hours>${this.sentToday}</SentLast24Hours><Max24HourSend>${this.options.quota.max24HourSend}</Max24HourSend>` +
          `<MaxSendRate>${this.options.quota.maxSendRate}</MaxSendRate></GetSendQuotaResult>` +
          `<ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
      );
      return;
    }
    const upstream = await forward(req, body, this.options.upstream, this.agent);
    if (action === 'SendRawEmail' && upstream.status === 200) {
      this.sentToday++;
      const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(upstream.body.toString('utf8'))?.[1] ?? '';
      const destinations: string[] = [];
      for (let i = 1; form!.has(`Destinations.member.${i}`); i++) destinations.push(form!.get(`Destinations.member.${i}`)!);
      this.messages.push({
        messageId,
        ...(form!.get('Source') ? { source: form!.get('Source')! } : {}),
        destinations,
        raw: Buffer.from(form!.get('RawMessage.Data') ?? '', 'base64'),
      });
      const keep = this.options.keep ?? 2000;
      if (this.messages.length > keep) this.messages.splice(0, this.messages.length - keep);
    }
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  req: IncomingMessage,
  body: Buffer,
  upstream: { host: string; port: number },
  agent: Agent,
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: `${upstream.host}:${upstream.port}`, 'content-length': String(body.length), connection: 'keep-alive' };
    const out = httpRequest({ host: upstream.host, port: upstream.port, agent, method: req.method, path: req.url, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && k !== 'transfer-encoding' && k !== 'content-length') h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
    });
    out.on('error', reject);
    out.end(body);
  });
}
