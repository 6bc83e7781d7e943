import path from 'node:path';
import { Cron } from 'croner';
import type { NewsletterConfig } from '../core/config.js';
import { NewsletterError } from '../core/errors.js';
import { runDigest } from '../use-cases/run-digest.js';
import { localDeliveryOptions } from '../wiring/delivery.js';
import { digestDependencies } from '../wiring/edition.js';
import type { LocalApp } from './local-app.js';
import { noSubscribersLine, summary, writeEditionFiles } from './output.js';
import { awaitingReviewLine, draftLine } from './review-output.js';

export interface ScheduledNewsletter {
  newsletterId: string;
  cron: string;
  timeZone: string;
  nextRun: Date | null;
  /** The instant (on the app's clock) the next run was counted from. */
  from: Date;
}

/**
 * The newsletters' schedules (cron + time zone) on this machine, as EventBridge Scheduler runs them
 * on AWS: each run is the same flow as `newsletter digest`, and one newsletter never runs twice at once.
 */
export class LocalScheduler {
  private readonly running = new Map<string, Promise<void>>();
  private jobs: Cron[] = [];

  constructor(
    private readonly app: LocalApp,
    private readonly newsletters: NewsletterConfig[],
    out: string,
    private readonly print: (line: string) => void,
    /** One scheduled run; by default the in-process digest, `dev --stack-twin` puts the stack twin's digest function here. */
    private readonly digest: (newsletter: NewsletterConfig) => Promise<void> = (newsletter) => scheduledDigest(app, newsletter, out, print),
  ) {}

  /** Starts one cron job per newsletter (none when `enabled` is false); what is scheduled, with the next run. */
  start(enabled: boolean): ScheduledNewsletter[] {
    try {
      for (const n of enabled ? this.newsletters : []) {
        this.jobs.push(
          new Cron(n.schedule.cron, { name: `digest-${n.id}`, timezone: n.schedule.timeZone, protect: true }, () => {
            this.run(n.id).catch((error: unknown) => this.print(`Scheduled digest of ${n.id} failed: ${(error as Error).message}`));
          }),
        );
      }
    } catch (error) {
      this.stop();
      throw new NewsletterError(`schedule could not be started: ${(error as Error).message}: check schedule.cron and schedule.timeZone in the config`, {
        cause: error,
      });
    }
    const from = this.app.clock.now();
    return this.jobs.map((job, i) => ({
      newsletterId: this.newsletters[i]!.id,
      cron: this.newsletters[i]!.schedule.cron,
      timeZone: this.newsletters[i]!.schedule.timeZone,
      nextRun: job.nextRun(from),
      from,
    }));
  }

  /** Runs one newsletter's scheduled digest now (what the cron job calls); joins a run already going. */
  run(newsletterId: string): Promise<void> {
    const current = this.running.get(newsletterId);
    if (current) return current;
    const newsletter = this.newsletters.find((n) => n.id === newsletterId);
    if (!newsletter)
      return Promise.reject(
        new NewsletterError(`newsletter "${newsletterId}" is not in the config: use one of ${this.newsletters.map((n) => n.id).join(', ')}`),
      );
    const run = this.digest(newsletter).finally(() => this.running.delete(newsletterId));
    this.running.set(newsletterId, run);
    return run;
  }

  stop(): void {
    for (const job of this.jobs) job.stop();
  }

  /** Waits for the digests that are running. */
  async settle(): Promise<void> {
    if (this.running.size) this.print('Waiting for the running digest to finish…');
    await Promise.allSettled([...this.running.values()]);
  }
}

/** The same flow as `newsletter digest`, for one newsletter, on the dev server's stores. */
async function scheduledDigest(app: LocalApp, newsletter: NewsletterConfig, out: string, print: (line: string) => void): Promise<void> {
  print(`Scheduled digest of ${newsletter.id} starting`);
  const result = await runDigest(newsletter, digestDependencies(app, newsletter, app.sourcesFor(newsletter), app.owner), {
    ...localDeliveryOptions(app.config),
    onRendered: async (model, rendered) => {
      const folder = await writeEditionFiles(out, newsletter, model, rendered);
      print(`Edition ${model.editionId}: ${model.subject} (written to ${path.join(folder, 'digest.html')})`);
    },
  });
  for (const p of result.problems) print(`Skipped ${p.location}: ${p.reason}`);
  if (result.status === 'nothing-new' && result.failedSources.length > 0) {
    print(
      `Scheduled digest of ${newsletter.id}: no articles, nothing sent: ${result.failedSources.join(', ')} did not ` +
        `answer (reasons above); fix the sources, the next schedule tries again`,
    );
  } else if (result.status === 'nothing-new') print(`Scheduled digest of ${newsletter.id}: nothing new since the last edition, nothing sent`);
  else if (result.status === 'no-subscribers') print(`Scheduled digest: ${noSubscribersLine(newsletter.id)}`);
  else if (result.status === 'draft') print(`Scheduled digest of ${newsletter.id}: ${draftLine(result.edition, result.reviewSent)}`);
  else if (result.status === 'awaiting-review') print(`Scheduled digest of ${newsletter.id}: ${awaitingReviewLine(result.edition)}`);
  else if (result.status !== 'dry-run') print(`Scheduled digest of ${newsletter.id}: ${summary(result.report)}`);
}

/** A run time in the schedule's own time zone, with the UTC instant. */
export function formatIn(date: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
  return `${local.replace(',', '')} ${timeZone} (${date.toISOString()})`;
}
