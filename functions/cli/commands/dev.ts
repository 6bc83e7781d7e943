import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { NewsletterError } from '../../core/errors.js';
import { BackgroundWork } from '../../adapters/local/background-work.js';
import { createSubscriptionApi } from '../../handlers/http/subscription-app.js';
import { checkMailTemplates } from '../../use-cases/subscriptions/mails.js';
import { subscriptionDependencies, withBaseUrl } from '../../wiring/subscriptions.js';
import { draftRenderer } from '../../wiring/review.js';
import { portNumber } from '../arguments.js';
import { openLocalApp, recordDevServer, type GlobalOptions, type LocalApp } from '../local-app.js';
import { formatIn, LocalScheduler, type ScheduledNewsletter } from '../local-scheduler.js';
import { serve } from '../local-server.js';
import { stackDigestLine, startStackDev, type StackDev } from '../stack-dev.js';

export type { ScheduledNewsletter } from '../local-scheduler.js';

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
  /** Run the twin of the deployed stack beside the server: digests go through the queue and the sender function. */
  stackTwin?: boolean;
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
  /** With `stack`: the twin of the deployed stack the digests go through. */
  stack?: StackDev;
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
    .option('--stack-twin', 'run the twin of the deployed AWS stack: digests go through the digest function, an SQS queue and the sender function')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npx newsletter dev\n  $ npx newsletter dev --port 8080 --no-schedule\n' +
        '  $ npx newsletter dev --stack-twin   # then, in another terminal: npx newsletter digest',
    )
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
  try {
    await checkMailTemplates(subscriptionDependencies(app));
  } catch (error) {
    await app.close();
    throw error;
  }
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new NewsletterError(
      code === 'EADDRINUSE'
        ? `port ${port} is in use: choose another with --port N (0 picks a free one)`
        : `could not listen on ${host}:${port}: ${(error as Error).message}: choose another --host or --port`,
      { cause: error },
    );
  }
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  const baseUrl = `http://localhost:${actualPort}`;
  const { newsletters } = withBaseUrl(app.config, baseUrl);
  const forgetDevServer = await recordDevServer(options.dataDir, baseUrl);
  let stack: StackDev | undefined;
  try {
    if (options.stackTwin) stack = await startStackDev(app, { dataDir: options.dataDir, baseUrl, print });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await forgetDevServer();
    await app.close();
    throw error;
  }

  const scheduler = new LocalScheduler(app, newsletters, options.out ?? 'out', print, ...(stack ? [stackDigest(stack, print)] : []));
  const signUps = new BackgroundWork();
  const api = createSubscriptionApi({
    ...subscriptionDependencies(app, newsletters),
    renderDraft: draftRenderer(app),
    // The answer goes out first; what depends on the address's state runs after it.
    afterAnswer: signUps.run,
    // An approved draft is now a sending edition: the digest run resumes and sends it.
    onApproved: (newsletter) => {
      scheduler.run(newsletter.id).catch((error: unknown) => print(`Sending the approved edition of ${newsletter.id} failed: ${(error as Error).message}`));
    },
  });
  server.on('request', (req, res) => {
    void serve(api, req, res, { inbox: app.endpoints.inbox, clock: app.clock });
  });

  let schedules: ScheduledNewsletter[];
  try {
    schedules = scheduler.start(options.schedule !== false);
  } catch (error) {
    // The config is checked at load, so this is a last line: never stay listening without a schedule.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stack?.close();
    await forgetDevServer();
    await app.close();
    throw error;
  }

  print(`Subscription server: ${url}/ (links in mail use ${baseUrl})`);
  for (const n of newsletters)
    print(
      `  ${n.title} (${n.id}): sign-up page ${baseUrl}/subscribe?newsletter=${encodeURIComponent(n.id)}, ` +
        `archive ${baseUrl}/archive?newsletter=${encodeURIComponent(n.id)}`,
    );
  if (app.endpoints.inbox) print(`SES inbox viewer: ${url}/_inbox → ${app.endpoints.inbox}`);
  else print(`SES: ${app.endpoints.ses ?? 'AWS'} (no inbox viewer: mail goes to that SES endpoint)`);
  print(`DynamoDB: ${app.endpoints.dynamodb ?? 'AWS'} (data in ${options.dataDir}/)`);
  if (schedules.length === 0) print('Schedules: off (--no-schedule)');
  for (const s of schedules) {
    print(`Schedule ${s.newsletterId}: "${s.cron}" (${s.timeZone}), next run ${s.nextRun ? formatIn(s.nextRun, s.timeZone) : 'never'}`);
  }
  if (stack) {
    print(stack.description);
    print('Digests go through the stack twin: run "npx newsletter digest" in another terminal, and watch the inbox viewer.');
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
    runSchedule: (newsletterId) => scheduler.run(newsletterId),
    ...(stack ? { stack } : {}),
    close() {
      closed ??= (async () => {
        scheduler.stop();
        server.closeIdleConnections?.();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // Browsers keep connections open; do not wait for them.
        setTimeout(() => server.closeAllConnections?.(), 1000).unref();
        await scheduler.settle();
        await signUps.drain();
        await stopped;
        await stack?.close();
        await forgetDevServer();
        await app.close();
      })();
      return closed;
    },
  };
}

/** A scheduled run through the stack twin's digest function; its senders deliver what it queues. */
function stackDigest(stack: StackDev, print: (line: string) => void): (newsletter: { id: string }) => Promise<void> {
  return async (newsletter) => {
    print(`Scheduled digest of ${newsletter.id} starting (digest function of the stack twin)`);
    print(`Scheduled digest of ${newsletter.id}: ${stackDigestLine(await stack.runDigest(newsletter.id), newsletter.id)}`);
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
