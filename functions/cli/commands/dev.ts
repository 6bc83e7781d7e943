import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { Cron } from 'croner';
import type { NewsletterConfig } from '../../core/config.js';
import { BackgroundWork } from '../../adapters/local/background-work.js';
import { awaitingReviewLine, draftLine } from '../review-output.js';
import { createSubscriptionApi, MAX_BODY_BYTES, type HttpApiEvent, type SubscriptionApi } from '../../handlers/subscription-api.js';
import { runDigest } from '../../use-cases/run-digest.js';
import { openLocalApp, recordDevServer, type GlobalOptions, type LocalApp } from '../local-app.js';
import { writeEditionFiles } from '../output.js';
import { digestDependencies, digestSendOptions, noSubscribersLine, summary } from './digest.js';

export interface DevOptions extends GlobalOptions {
  /** 0 picks a free port. Default: PORT, else 3000. */
  port?: number;
  host?: string;
  /** Run the newsletters' schedules (cron + time zone). Default true. */
  schedule?: boolean;
  /** Where scheduled editions are written. */
  out?: string;
  /** Where progress lines go. Default: console.log. */
  print?: (line: string) => void;
}

export interface ScheduledNewsletter {
  newsletterId: string;
  cron: string;
  timeZone: string;
  nextRun: Date | null;
}

export interface DevServer {
  /** The address the server listens on, e.g. `http://127.0.0.1:3000`. */
  url: string;
  port: number;
  /** The base of links in mail: `http://localhost:<port>`. */
  baseUrl: string;
  /** The SES inbox viewer, when the embedded SES server runs. */
  inbox?: string;
  schedules: ScheduledNewsletter[];
  app: LocalApp;
  /** Sign-up work (store, confirmation mail) runs after the answer; `signUps.drain()` waits for it. */
  signUps: BackgroundWork;
  /** Runs one newsletter's scheduled digest now (what the cron job calls). */
  runSchedule(newsletterId: string): Promise<void>;
  close(): Promise<void>;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('serve the sign-up page and subscription API locally on the embedded DynamoDB and SES, and run the newsletters’ schedules')
    .option('--port <n>', 'port to listen on (default: PORT or 3000; 0 picks a free port)', portNumber)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--no-schedule', 'do not run the newsletters’ schedules')
    .option('--out <dir>', 'where scheduled editions are written', 'out')
    .addHelpText('after', '\nExamples:\n  $ npx newsletter dev\n  $ npx newsletter dev --port 8080 --no-schedule')
    .action(async (_flags: unknown, command: Command) => {
      const server = await startDevServer(command.optsWithGlobals<DevOptions>());
      await untilSignal();
      console.log('\nStopping…');
      await server.close();
      console.log('Stopped.');
    });
}

/**
 * Starts the local subscription server: a `node:http` server that turns each request into an API
 * Gateway HTTP API (payload 2.0) event and calls the same handler as the Lambda, over the embedded
 * (or AWS_ENDPOINT_URL_*) DynamoDB and SES. Links in mail point at this server.
 *
 * @example
 * const dev = await startDevServer({ config: 'newsletter.config.json', dataDir: '.newsletter', port: 0 });
 * await fetch(`${dev.url}/subscribe`);
 * await dev.close();
 */
export async function startDevServer(options: DevOptions): Promise<DevServer> {
  const print = options.print ?? ((line: string) => console.log(line));
  const port = options.port ?? envPort() ?? 3000;
  const host = options.host ?? '127.0.0.1';
  const app = await openLocalApp(options);
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${port} is in use: choose another with --port N (0 picks a free one)` : (error as Error).message, { cause: error });
  }
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const baseUrl = `http://localhost:${actualPort}`;
  // Local links must reach this server, whatever public baseUrl the config names.
  const newsletters: NewsletterConfig[] = app.config.newsletters.map((n) => ({ ...n, baseUrl }));
  const forgetDevServer = await recordDevServer(options.dataDir, baseUrl);

  const signUps = new BackgroundWork();
  const api = createSubscriptionApi({
    newsletters,
    subscribers: app.subscribers,
    suppressions: app.suppressions,
    editions: app.editions,
    ledger: app.ledger,
    mailer: app.mailer,
    tokenKey: app.tokenKey,
    now: () => new Date(),
    limits: app.signUpLimits,
    signUpLimits: app.config.signUps,
    // The answer goes out first; what depends on the address's state runs after it.
    afterAnswer: signUps.run,
    // An approved draft is now a sending edition: the digest run resumes and sends it.
    onApproved: (newsletter) => {
      runSchedule(newsletter.id).catch((error: unknown) => print(`Sending the approved edition of ${newsletter.id} failed: ${(error as Error).message}`));
    },
  });
  server.on('request', (req, res) => {
    void serve(api, req, res, app.endpoints.inbox);
  });

  const running = new Map<string, Promise<void>>();
  const runSchedule = (newsletterId: string): Promise<void> => {
    const current = running.get(newsletterId);
    if (current) return current;
    const newsletter = newsletters.find((n) => n.id === newsletterId);
    if (!newsletter) return Promise.reject(new Error(`newsletter "${newsletterId}" is not in the config`));
    const run = scheduledDigest(app, newsletter, options.out ?? 'out', print).finally(() => running.delete(newsletterId));
    running.set(newsletterId, run);
    return run;
  };

  const jobs: Cron[] = [];
  try {
    for (const n of options.schedule === false ? [] : newsletters) {
      jobs.push(
        new Cron(n.schedule.cron, { name: `digest-${n.id}`, timezone: n.schedule.timeZone, protect: true }, () => {
          runSchedule(n.id).catch((error: unknown) => print(`Scheduled digest of ${n.id} failed: ${(error as Error).message}`));
        }),
      );
    }
  } catch (error) {
    // The config is checked at load, so this is a last line: never stay listening without a schedule.
    for (const job of jobs) job.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await forgetDevServer();
    await app.close();
    throw new Error(`schedule could not be started: ${(error as Error).message}: check schedule.cron and schedule.timeZone in the config`, { cause: error });
  }
  const schedules = jobs.map((job, i) => ({
    newsletterId: newsletters[i]!.id,
    cron: newsletters[i]!.schedule.cron,
    timeZone: newsletters[i]!.schedule.timeZone,
    nextRun: job.nextRun(),
  }));

  print(`Subscription server: ${url}/ (links in mail use ${baseUrl})`);
  for (const n of newsletters) print(`  ${n.title} (${n.id}): sign-up page ${baseUrl}/subscribe?newsletter=${encodeURIComponent(n.id)}, archive ${baseUrl}/archive?newsletter=${encodeURIComponent(n.id)}`);
  if (app.endpoints.inbox) print(`SES inbox viewer: ${url}/_inbox → ${app.endpoints.inbox}`);
  else print(`SES: ${app.endpoints.ses ?? 'AWS'} (no inbox viewer: mail goes to that SES endpoint)`);
  print(`DynamoDB: ${app.endpoints.dynamodb ?? 'AWS'} (data in ${options.dataDir}/)`);
  if (schedules.length === 0) print('Schedules: off (--no-schedule)');
  for (const s of schedules) {
    print(`Schedule ${s.newsletterId}: "${s.cron}" (${s.timeZone}), next run ${s.nextRun ? formatIn(s.nextRun, s.timeZone) : 'never'}`);
  }
  print('Press Ctrl+C to stop.');

  let closed: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    baseUrl,
    ...(app.endpoints.inbox ? { inbox: app.endpoints.inbox } : {}),
    schedules,
    app,
    signUps,
    runSchedule,
    close() {
      closed ??= (async () => {
        for (const job of jobs) job.stop();
        server.closeIdleConnections?.();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Browsers keep connections open; do not wait for them.
        setTimeout(() => server.closeAllConnections?.(), 1000).unref();
        if (running.size) print('Waiting for the running digest to finish…');
        await Promise.allSettled([...running.values()]);
        await signUps.drain();
        await stopped;
        await forgetDevServer();
        await app.close();
      })();
      return closed;
    },
  };
}

/** The same flow as `newsletter digest`, for one newsletter, on the dev server's stores. */
async function scheduledDigest(app: LocalApp, newsletter: NewsletterConfig, out: string, print: (line: string) => void): Promise<void> {
  print(`Scheduled digest of ${newsletter.id} starting`);
  const result = await runDigest(
    newsletter,
    digestDependencies(app, newsletter),
    {
      ...digestSendOptions(app),
      onRendered: async (model, rendered) => {
        const folder = await writeEditionFiles(out, model, rendered);
        print(`Edition ${model.editionId}: ${model.subject} (written to ${path.join(folder, 'digest.html')})`);
      },
    },
  );
  for (const p of result.problems) print(`Skipped ${p.location}: ${p.reason}`);
  if (result.status === 'nothing-new') print(`Scheduled digest of ${newsletter.id}: nothing new since the last edition, nothing sent`);
  else if (result.status === 'no-subscribers') print(`Scheduled digest: ${noSubscribersLine(newsletter.id)}`);
  else if (result.status === 'draft') print(`Scheduled digest of ${newsletter.id}: ${draftLine(result.edition, result.reviewSent)}`);
  else if (result.status === 'awaiting-review') print(`Scheduled digest of ${newsletter.id}: ${awaitingReviewLine(result.edition)}`);
  else if (result.status !== 'dry-run') print(`Scheduled digest of ${newsletter.id}: ${summary(result.report)}`);
}

/** One HTTP request → one API Gateway HTTP API event → the handler → the response. */
async function serve(api: SubscriptionApi, req: IncomingMessage, res: ServerResponse, inbox: string | undefined): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (inbox && (url.pathname === '/_inbox' || url.pathname === '/_inbox/')) {
      res.writeHead(302, { location: inbox, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    const event = await toEvent(req, url);
    const result = await api(event);
    res.writeHead(result.statusCode, result.headers);
    res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
  } catch (error) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end('internal error');
    console.error(`dev server: ${(error as Error).message}`);
  }
}

/**
 * Reads at most one byte more than the API accepts, so the handler sees an oversized body and
 * answers 413, without this server holding an unbounded upload in memory. API Gateway sends form
 * bodies base64-encoded; so does this server.
 */
async function toEvent(req: IncomingMessage, url: URL): Promise<HttpApiEvent> {
  const limit = MAX_BODY_BYTES + 1;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    if (size >= limit) continue;
    chunks.push(chunk.subarray(0, limit - size));
    size += Math.min(chunk.length, limit - size);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const now = new Date();
  const body = Buffer.concat(chunks);
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    requestContext: {
      http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '' },
      requestId: `local-${now.getTime()}`,
      timeEpoch: now.getTime(),
      stage: '$default',
      routeKey: '$default',
    },
  };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A second Ctrl+C while shutting down quits at once.
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function envPort(): number | undefined {
  const value = process.env.PORT;
  return value ? portNumber(value) : undefined;
}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535)`);
  return n;
}

function formatIn(date: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
  return `${local.replace(',', '')} ${timeZone} (${date.toISOString()})`;
}
