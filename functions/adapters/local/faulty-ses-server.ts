import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the server accepted. */
export interface AcceptedMessage {
  /** The first of `Destinations.member.N`: who the message was for. */
  recipient: string;
  /** The Message-ID header of the raw MIME, e.g. `<edition.subscriber@example.com>`. */
  messageIdHeader: string;
  /** The MessageId the server answered with. */
  sesMessageId: string;
  /** When it was accepted, in milliseconds of the server's clock (`now`); absent on a server without one. */
  at?: number;
}

/**
 * A send rate is kept on a clock the test gives (a VirtualClock's `millis`, shared with the sender),
 * never on the host's: so a server with a `rate` needs `now`, and one without keeps no time at all.
 */
type FaultySesRate =
  | {
      /** Messages per second the token bucket refills with; Infinity for no limit. */
      rate: number;
      /** Bucket size: how many sends may arrive at once after a quiet spell. Default: the rate (at least 1). */
      burst?: number;
      /** The server's clock in milliseconds: the token bucket and each accept's time. */
      now: () => number;
    }
  | { rate?: undefined; burst?: undefined /** Only to time accepts (`achievedRate`); no rate is enforced. */; now?: () => number };

export type FaultySesOptions = FaultySesRate & {
  /** Probability (0..1) that a SendRawEmail call fails before it is accepted. */
  faultProbability?: number;
  /** Share of injected faults that are `Throttling` (400); the rest are 500/503 server faults. Default 0.5. */
  throttlingShare?: number;
  /** Seed of the fault RNG, so a run's sequence of faults is reproducible. */
  seed?: number;
  /**
   * What GetSendQuota answers. A `max24HourSend` of 0 or more is enforced as SES does: over it in the
   * last 24 hours of the server's clock (all time, without `now`), a send is refused with Throttling
   * "Daily message quota exceeded.". SentLast24Hours counts the accepts in that window.
   */
  quota?: { maxSendRate?: number; max24HourSend?: number };
  /** After this many accepted messages every further request is left unanswered (a hung endpoint). */
  stopAnsweringAfter?: number;
  /** Keep each accepted message (recipient, Message-ID, time); off for very long benchmark runs. Default true. */
  record?: boolean;
  /** Recipients SES refuses for good (400 MessageRejected "Address blacklisted", naming the address). */
  rejectRecipients?: readonly string[];
  /**
   * Refuse every SendRawEmail with this error, as an account that is not ready (unverified sender,
   * sandbox, paused) does; clear with `setRefusal(undefined)`.
   */
  refuseAll?: SesRefusal;
};

/** An SES error answer: HTTP status, code and message. */
export interface SesRefusal {
  status: number;
  code: string;
  message: string;
}

export interface FaultySesCounts {
  /** SendRawEmail calls received. */
  calls: number;
  accepted: number;
  /** Calls refused with Throttling: by the rate limit or by an injected fault. */
  throttled: number;
  /** Calls refused because the token bucket was empty (real rate-limit throttling). */
  rateLimited: number;
  /** Calls refused because the 24-hour quota was used up (also counted in `throttled`). */
  quotaExceeded: number;
  /** Injected faults of any kind (Throttling and 5xx). */
  faults: number;
  /** Calls left unanswered after `stopAnsweringAfter`. */
  unanswered: number;
  /** Calls refused for good (`rejectRecipients`, `refuseAll`). */
  refused: number;
  quotaCalls: number;
}

const NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';
const DAY_MS = 24 * 3600 * 1000;

/**
 * An SES-compatible HTTP server (the v1 Query API the SDK's SESClient speaks) that behaves the way
 * a production account does under load: it enforces a send rate with a token bucket and the 24-hour
 * quota over a rolling window, each answering what SES answers (400 Throttling, "Maximum sending
 * rate exceeded." or "Daily message quota exceeded."), fails a share of calls with Throttling or 5xx
 * before accepting them, and can hang mid-send. Tests use it to prove the sender's pacing, retries
 * and crash recovery against real HTTP, not a mocked client; the local twin of the AWS stack
 * (`npm run simulate`) is the account it sends through. All time is the clock it is given.
 *
 * @example
 * const clock = new VirtualClock();
 * const ses = await FaultySesServer.start({ rate: 40, now: clock.millis, faultProbability: 0.2, seed: 1 });
 * process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
 * // … send …
 * expect(ses.copiesByRecipient().get('ann@example.com')).toBe(1);
 * await ses.close();
 */
export class FaultySesServer {
  readonly accepted: AcceptedMessage[] = [];
  readonly counts: FaultySesCounts = {
    calls: 0,
    accepted: 0,
    throttled: 0,
    rateLimited: 0,
    quotaExceeded: 0,
    faults: 0,
    unanswered: 0,
    refused: 0,
    quotaCalls: 0,
  };
  private readonly options: {
    rate: number;
    burst: number;
    faultProbability: number;
    throttlingShare: number;
    seed: number;
    record: boolean;
    now?: (() => number) | undefined;
  } & Pick<FaultySesOptions, 'stopAnsweringAfter' | 'rejectRecipients' | 'refuseAll'>;
  private quota: { maxSendRate: number; max24HourSend: number };
  private tokens: number;
  private refilledAt: number;
  private random: () => number;
  /** Accept times (server clock) still inside the 24-hour window, oldest first from `windowStart`. */
  private readonly acceptTimes: number[] = [];
  private windowStart = 0;
  private readonly held = new Set<ServerResponse>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private server?: Server;
  private port = 0;

  private constructor(options: FaultySesOptions) {
    const rate = options.rate ?? Infinity;
    if (Number.isFinite(rate) && !options.now)
      throw new Error(`FaultySesServer: a rate of ${rate}/s needs the server's clock: pass now (a VirtualClock's millis, shared with the sender)`);
    this.options = {
      rate,
      burst: options.burst ?? (Number.isFinite(rate) ? Math.max(1, rate) : Infinity),
      faultProbability: options.faultProbability ?? 0,
      throttlingShare: options.throttlingShare ?? 0.5,
      seed: options.seed ?? 1,
      record: options.record ?? true,
      now: options.now,
      ...(options.refuseAll ? { refuseAll: options.refuseAll } : {}),
      ...(options.stopAnsweringAfter !== undefined ? { stopAnsweringAfter: options.stopAnsweringAfter } : {}),
      ...(options.rejectRecipients ? { rejectRecipients: options.rejectRecipients } : {}),
    };
    this.quota = {
      maxSendRate: options.quota?.maxSendRate ?? (Number.isFinite(rate) ? rate : 1000),
      max24HourSend: options.quota?.max24HourSend ?? -1,
    };
    this.tokens = this.options.burst;
    this.refilledAt = this.options.now?.() ?? 0;
    this.random = mulberry32(this.options.seed);
  }

  /** Starts a server on 127.0.0.1 with a free port. */
  static async start(options: FaultySesOptions = {}): Promise<FaultySesServer> {
    const ses = new FaultySesServer(options);
    ses.server = createServer((req, res) => void ses.handle(req, res));
    ses.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => ses.server!.listen(0, '127.0.0.1', resolve));
    ses.port = (ses.server.address() as AddressInfo).port;
    return ses;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Changes what GetSendQuota answers (a quota raised overnight). */
  setQuota(quota: { maxSendRate?: number; max24HourSend?: number }): void {
    this.quota = { ...this.quota, ...quota };
  }

  /** Starts or stops refusing every message (an account becoming ready). */
  setRefusal(refusal: SesRefusal | undefined): void {
    if (refusal) this.options.refuseAll = refusal;
    else delete this.options.refuseAll;
  }

  /** Answers again: drops the requests left hanging and clears `stopAnsweringAfter`. */
  resumeAnswering(): void {
    delete this.options.stopAnsweringAfter;
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }

  /** Resolves once at least `count` messages have been accepted (for acting mid-send without sleeping). */
  whenAccepted(count: number): Promise<void> {
    if (this.counts.accepted >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** How many copies each recipient got. */
  copiesByRecipient(): Map<string, number> {
    const copies = new Map<string, number>();
    for (const m of this.accepted) copies.set(m.recipient, (copies.get(m.recipient) ?? 0) + 1);
    return copies;
  }

  /**
   * Accepted messages per second between the first and the last accept (from the `since`-th accept
   * on, for a later run), measured here on the server's clock, not by the sender.
   */
  achievedRate(since = 0): number {
    if (!this.options.now) throw new Error("achievedRate needs the server started with a clock: pass now (a VirtualClock's millis)");
    const accepted = this.accepted.slice(since);
    if (accepted.length < 2) return 0;
    const seconds = (accepted.at(-1)!.at! - accepted[0]!.at!) / 1000;
    return seconds > 0 ? (accepted.length - 1) / seconds : Infinity;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const form = new URLSearchParams(body.toString('utf8'));
    const action = req.method === 'POST' ? form.get('Action') : null;
    if (action === 'GetSendQuota') {
      this.counts.quotaCalls++;
      reply(
        res,
        200,
        `<GetSendQuotaResponse xmlns="${NAMESPACE}"><GetSendQuotaResult>` +
          `<Max24HourSend>${this.quota.max24HourSend}</Max24HourSend><MaxSendRate>${this.quota.maxSendRate}</MaxSendRate>` +
          `<SentLast24Hours>${this.sentLast24Hours()}</SentLast24Hours></GetSendQuotaResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
      );
      return;
    }
    if (action !== 'SendRawEmail') {
      replyError(res, 400, 'Sender', 'InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`);
      return;
    }

    this.counts.calls++;
    if (this.options.stopAnsweringAfter !== undefined && this.counts.accepted >= this.options.stopAnsweringAfter) {
      this.counts.unanswered++;
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    // Faults come before acceptance, as on SES: a refused call delivered nothing and may be retried safely.
    if (this.options.faultProbability > 0 && this.random() < this.options.faultProbability) {
      this.counts.faults++;
      const kind = this.random();
      if (kind < this.options.throttlingShare) {
        this.counts.throttled++;
        replyError(res, 400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.');
      } else if (kind < this.options.throttlingShare + (1 - this.options.throttlingShare) / 2) {
        replyError(res, 503, 'Receiver', 'ServiceUnavailable', 'Service is unable to handle request.');
      } else {
        replyError(res, 500, 'Receiver', 'InternalFailure', 'The request processing has failed because of an unknown error.');
      }
      return;
    }
    if (this.options.refuseAll) {
      this.counts.refused++;
      const { status, code, message } = this.options.refuseAll;
      replyError(res, status, status >= 500 ? 'Receiver' : 'Sender', code, message);
      return;
    }
    const recipient = form.get('Destinations.member.1') ?? '';
    if (this.options.rejectRecipients?.includes(recipient)) {
      this.counts.refused++;
      replyError(res, 400, 'Sender', 'MessageRejected', `Address blacklisted: ${recipient}`);
      return;
    }
    if (this.quota.max24HourSend >= 0 && this.sentLast24Hours() >= this.quota.max24HourSend) {
      this.counts.throttled++;
      this.counts.quotaExceeded++;
      replyError(res, 400, 'Sender', 'Throttling', 'Daily message quota exceeded.');
      return;
    }
    if (!this.takeToken()) {
      this.counts.throttled++;
      this.counts.rateLimited++;
      replyError(res, 400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.');
      return;
    }

    const raw = Buffer.from(form.get('RawMessage.Data') ?? '', 'base64');
    const sesMessageId = `${randomUUID()}-000000`;
    this.counts.accepted++;
    this.acceptTimes.push(this.options.now?.() ?? 0);
    if (this.options.record) {
      this.accepted.push({
        recipient: form.get('Destinations.member.1') ?? '',
        messageIdHeader: messageIdHeader(raw),
        sesMessageId,
        ...(this.options.now ? { at: this.options.now() } : {}),
      });
    }
    reply(
      res,
      200,
      `<SendRawEmailResponse xmlns="${NAMESPACE}"><SendRawEmailResult><MessageId>${sesMessageId}</MessageId></SendRawEmailResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendRawEmailResponse>`,
    );
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.counts.accepted >= this.waiters[i]!.count) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /** Messages accepted in the last 24 hours of the server's clock (every one, on a server without a clock). */
  sentLast24Hours(): number {
    const now = this.options.now?.();
    if (now !== undefined) while (this.windowStart < this.acceptTimes.length && this.acceptTimes[this.windowStart]! <= now - DAY_MS) this.windowStart++;
    // Drop what left the window now and then, so a long run keeps a day of times, not all of them.
    if (this.windowStart > 4096 && this.windowStart * 2 > this.acceptTimes.length) {
      this.acceptTimes.splice(0, this.windowStart);
      this.windowStart = 0;
    }
    return this.acceptTimes.length - this.windowStart;
  }

  private takeToken(): boolean {
    if (!Number.isFinite(this.options.rate) || !this.options.now) return true;
    const now = this.options.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.options.rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function reply(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(xml);
}

function replyError(res: ServerResponse, status: number, type: 'Sender' | 'Receiver', code: string, message: string): void {
  reply(
    res,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function messageIdHeader(raw: Buffer): string {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1');
  return /^Message-ID:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence of faults. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
