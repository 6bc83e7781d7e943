import { afterEach, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { resumeQueuedEdition } from '../../functions/use-cases/delivery/requeue-edition.js';
import { RECURSION_LIMIT } from '../../functions/cli/stack-twin/recursive-loop.js';
import { SENDER } from '../../functions/core/send-topology.js';
import { SIMULATED_NEWSLETTER, reportOf, type SimulationReport } from '../../functions/cli/stack-twin/simulation.js';
import { twinWithReaders, type TwinRun } from '../support/stack-twin.js';

/**
 * The queued send as deployed, through the twin, where the AWS path can lose or repeat mail: a
 * visibility timeout that expires mid-batch, a sender killed by its timeout, a batch dead-lettered and
 * brought back, a quota reached mid-edition and waited out in one wake-up schedule, a recursive
 * chain. Each scenario asserts what readers notice: everyone gets the edition, once (or at most the
 * sends a kill left in flight twice), and nobody is lost to the DLQ or to Lambda's recursive-loop stop.
 */
let run: TwinRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

type TwinOptions = Parameters<typeof twinWithReaders>[1];

/**
 * Sixty readers against a quota of forty a day: the last twenty wait a day. Keeps the run in `run`
 * for the cleanup; `losses` is what readers would notice, plus Lambda's recursive-loop stops.
 */
async function quotaWait(options: Omit<TwinOptions, 'ses'>): Promise<{ report: SimulationReport; twin: TwinRun['twin']; losses: object }> {
  const started = await twinWithReaders(60, { ses: { rate: 50, dailyQuota: 40 }, ...options });
  run = started;
  const { twin } = started;
  await twin.runDigest(SIMULATED_NEWSLETTER);
  await twin.drain();
  const report = reportOf(twin, started.addresses, started.digestAt);
  const losses = { missing: report.missing, duplicates: report.duplicates, deadLettered: report.deadLettered, stops: twin.stats.recursionStops };
  return { report, twin, losses };
}

const NO_LOSS_NO_STOP = { missing: 0, duplicates: 0, deadLettered: 0, stops: 0 };

// Whole editions on the twin: seconds alone, a minute or more on a busy machine.
describe('queued send scenarios on the twin', { timeout: 180_000 }, () => {
  it('(a) gives every reader one copy when the visibility timeout expires mid-batch and a second invocation takes the same batch', async () => {
    // 2 messages/s: a batch of 50 takes 25 s, the visibility timeout is 10 s.
    run = await twinWithReaders(100, { ses: { rate: 2 }, settings: { visibilityTimeoutSeconds: 10, maxConcurrency: 4 } });
    const { twin } = run;
    await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    const report = reportOf(twin, run.addresses, run.digestAt);
    // More invocations than queued messages: a batch was taken again while it was being sent.
    expect(twin.stats.invocations).toBeGreaterThan(2);
    expect(report).toMatchObject({ missing: 0, duplicates: 0, deadLettered: 0 });
  });

  it('(b) leaves nobody out when senders are killed by their timeout mid-batch, duplicating at most the sends in flight at the kills', async () => {
    run = await twinWithReaders(300, { ses: { rate: 50 }, senderTimeouts: 0.3, seed: 7 });
    const { twin } = run;
    await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    const report = reportOf(twin, run.addresses, run.digestAt);
    expect(twin.stats.kills).toBeGreaterThan(0);
    expect(report.missing).toBe(0);
    expect(report.duplicates).toBeLessThanOrEqual(report.inFlightAtKills);
    expect(report.deadLettered).toBe(0);
  });

  it('(c) gives every confirmed reader the edition when a dead-lettered batch is brought back by the runbook (editions resume --aws)', async () => {
    // Every invocation killed at its first send until the fault clears: the batches end in the DLQ.
    run = await twinWithReaders(120, { ses: { rate: 100 } });
    const { twin } = run;
    twin.eventSource.setKills({ share: 1, random: () => 0 });
    const digest = await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    expect(twin.deadLettered()).toBeGreaterThan(0);
    twin.eventSource.setKills(undefined);
    const resumed = await twin.operate((context) =>
      resumeQueuedEdition(context.newsletter(SIMULATED_NEWSLETTER), digest.editionId!, {
        editions: context.editions,
        subscribers: context.subscribers,
        deliveries: context.deliveries,
        queue: context.sendQueue!,
        clock: context.clock,
      }),
    );
    expect(resumed.status).toBe('queued');
    await twin.drain();
    const report = reportOf(twin, run.addresses, run.digestAt);
    expect(report.missing).toBe(0);
    expect(report.duplicates).toBeLessThanOrEqual(report.inFlightAtKills);
  });

  it('(d) sends everyone one copy when the daily quota runs out mid-edition and frees a day later, failing nobody', async () => {
    run = await twinWithReaders(300, { ses: { rate: 50, dailyQuota: 200 } });
    const { twin } = run;
    const digest = await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    const report = reportOf(twin, run.addresses, run.digestAt);
    const edition = await new DynamoEditionStore(twin.dynamodb, twin.tableName).get(SIMULATED_NEWSLETTER, digest.editionId!);
    expect({ missing: report.missing, duplicates: report.duplicates, deadLettered: report.deadLettered, failed: edition?.counts?.failed ?? 0 }).toEqual({
      missing: 0,
      duplicates: 0,
      deadLettered: 0,
      failed: 0,
    });
    // The rest went out once the 24-hour window let them: a simulated day after the first sends.
    expect(report.hours).toBeGreaterThanOrEqual(24);
  });

  it("(e) keeps every reader through a day-long quota wait in one sleep: a wake-up schedule, no chain towards Lambda's 16-hop stop", async () => {
    // The stack's own settings: a batch the quota stops sleeps in a one-time schedule until the 24-hour window has room.
    const { report, twin, losses } = await quotaWait({});
    expect(losses).toEqual(NO_LOSS_NO_STOP);
    expect(twin.wakeUpsScheduled).toBeGreaterThan(0);
    expect(report.longestChain).toBeLessThanOrEqual(RECURSION_LIMIT);
    // One wake-up at the window's turn, not a sender every quarter hour through the day.
    expect(report.invocations).toBeLessThan(10);
    expect(report.hours).toBeGreaterThanOrEqual(24);
  });

  it("(e') holds under Lambda's default too (recursiveLoop Terminate): the wait is no chain at all", async () => {
    const { losses } = await quotaWait({ settings: { recursiveLoop: 'Terminate' } });
    expect(losses).toEqual(NO_LOSS_NO_STOP);
  });

  it("(e'') shows why: without the schedules the wait is a chain of re-queues, bounded under Allow, stopped under Terminate", async () => {
    const { report: allowed } = await quotaWait({ wakeUpSchedules: false });
    expect(allowed).toMatchObject({ missing: 0, duplicates: 0, deadLettered: 0 });
    expect(allowed.longestChain).toBeGreaterThan(RECURSION_LIMIT);
    expect(allowed.longestChain).toBeLessThan(SENDER.hopBudget);
    await run?.close();
    run = undefined;
    const { report: stopped, twin } = await quotaWait({ wakeUpSchedules: false, settings: { recursiveLoop: 'Terminate' } });
    expect(twin.stats.recursionStops).toBeGreaterThan(0);
    expect(stopped.missing).toBeGreaterThan(0);
  });
});
