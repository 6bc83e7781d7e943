import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATED_NEWSLETTER, reportOf } from '../../../functions/cli/stack-twin/simulation.js';
import { twinWithReaders, type TwinRun } from '../../support/stack-twin.js';

let run: TwinRun | undefined;
afterEach(async () => {
  await run?.close();
  run = undefined;
});

describe('the local twin of the AWS stack', { timeout: 180_000 }, () => {
  it('delivers each reader once through the digest, the queue, the event source and the sender handler', async () => {
    run = await twinWithReaders(200, { ses: { rate: 500 } });
    const { twin } = run;
    expect(await twin.runDigest(SIMULATED_NEWSLETTER)).toMatchObject({ status: 'queued', queued: 200 });
    await twin.drain();
    const report = reportOf(twin, run.addresses, run.digestAt);
    expect(report).toMatchObject({ delivered: 200, duplicates: 0, missing: 0, deadLettered: 0, longestChain: 1 });
    expect(twin.sendQueue().total).toBe(0);
    // The stack's batch size: 200 readers in 4 queued messages, at most 5 records per invocation.
    expect(report.invocations).toBeGreaterThanOrEqual(1);
    expect(twin.stats.coldStarts).toBeLessThanOrEqual(twin.settings.maxConcurrency);
  });

  it('brings a record listed in batchItemFailures back after the visibility timeout, and to the DLQ after maxReceiveCount receives', async () => {
    run = await twinWithReaders(0, { ses: { rate: 500 } });
    const { twin } = run;
    const started = twin.time.now();
    // A message the sender cannot read: it answers it as a batch item failure every time.
    await twin.operate((context) =>
      context.sqs.send(new SendMessageCommand({ QueueUrl: twin.queueUrl, MessageBody: JSON.stringify({ newsletterId: SIMULATED_NEWSLETTER }) })),
    );
    await twin.drain();
    expect(twin.stats.invocations).toBe(twin.settings.maxReceiveCount);
    expect(twin.deadLettered()).toBe(1);
    // Each failed receive waited out the visibility timeout on the twin's clock; the receive after
    // the last one moved the message to the DLQ.
    expect((twin.time.now() - started) / 1000).toBe(twin.settings.maxReceiveCount * twin.settings.visibilityTimeoutSeconds);
  });

  it('stops a chain of re-queues at the 16th hop under recursiveLoop Terminate and moves its message to the DLQ', async () => {
    // A quota of 0: every batch is queued again to wait, hop after hop.
    run = await twinWithReaders(20, { ses: { rate: 500, dailyQuota: 0 }, settings: { recursiveLoop: 'Terminate' } });
    const { twin } = run;
    await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    expect(twin.stats.longestChain).toBe(16);
    expect(twin.stats.recursionStops).toBe(1);
    expect(twin.deadLettered()).toBe(1);
  });

  it('discards a container its timeout killed mid-batch and delivers the batch again after the visibility timeout', async () => {
    run = await twinWithReaders(40, { ses: { rate: 500 }, senderTimeouts: 1, seed: 3 });
    const { twin } = run;
    const started = twin.time.now();
    await twin.runDigest(SIMULATED_NEWSLETTER);
    await twin.drain();
    // The first invocation is killed at a send mid-batch, with that send on its way.
    expect(twin.stats.kills).toBeGreaterThanOrEqual(1);
    expect(twin.stats.inFlightAtKills).toBeGreaterThanOrEqual(twin.stats.kills);
    // The batch came back to a new container: the killed one is never warm again.
    expect(twin.stats.invocations).toBeGreaterThan(twin.stats.kills);
    expect(twin.stats.coldStarts).toBe(twin.stats.kills + 1);
    expect(twin.time.now() - started).toBeGreaterThanOrEqual(twin.settings.visibilityTimeoutSeconds * 1000);
    // A killed invocation is billed up to its timeout.
    expect(twin.stats.gbSeconds).toBeGreaterThanOrEqual(twin.stats.kills * twin.settings.timeoutSeconds * (twin.settings.memoryMb / 1024));
  });
});
