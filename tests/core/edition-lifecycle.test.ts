import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../functions/core/delivery/report.js';
import {
  afterLocalSend,
  afterQueuedBatch,
  CLAIM_RETRY_SECONDS,
  queuedEditionComplete,
  QUOTA_RETRY_SECONDS,
  quotaWaitSeconds,
  reputationStop,
  resumeEdition,
  waitsForPerson,
  type EditionRecord,
} from '../../functions/core/edition-lifecycle.js';

const NOW = new Date('2026-03-02T08:00:00.000Z');
const counts = { sent: 1000, alreadySent: 0, suppressed: 0, failed: 0, throttledRetries: 0, bounces: 0, complaints: 0 };

function edition(changes: Partial<EditionRecord> = {}): EditionRecord {
  return {
    newsletterId: 'ai-talent',
    editionId: 'ai-talent-2026-03-02-1a2b3c4d',
    status: 'sending',
    createdAt: NOW.toISOString(),
    subject: 'S',
    date: '2026-03-02',
    articles: [],
    ...changes,
  };
}

describe('reputationStop', () => {
  const limits = { bounceRate: 0.05, complaintRate: 0.001, minimumSample: 100 };

  it('pauses at 5% bounces or 0.1% complaints, and says why', () => {
    expect(reputationStop({ ...counts, bounces: 49 }, limits)).toBeUndefined();
    expect(reputationStop({ ...counts, bounces: 50 }, limits)).toMatch(/bounce rate 5\.00% reached the limit of 5\.00%/);
    expect(reputationStop({ ...counts, complaints: 1 }, limits)).toMatch(/complaint rate 0\.10%/);
  });

  it('does not judge a rate on too small a sample', () => {
    expect(reputationStop({ ...counts, sent: 20, bounces: 5 }, limits)).toBeUndefined();
  });
});

describe('reputationStop after a person resumed the edition', () => {
  it('judges only what was sent since', () => {
    const limits = { bounceRate: 0.05, complaintRate: 0.001, minimumSample: 100 };
    const paused = { sent: 1000, alreadySent: 0, suppressed: 0, failed: 0, throttledRetries: 0, bounces: 60, complaints: 0 };
    expect(reputationStop({ ...paused, sent: 1200, bounces: 61 }, limits, paused)).toBeUndefined();
    expect(reputationStop({ ...paused, sent: 1200, bounces: 75 }, limits, paused)).toMatch(/bounce rate 7\.50%/);
  });
});

describe('waitsForPerson', () => {
  it('holds the edition for a reputation or SES-not-ready pause, not for a quota stop', () => {
    expect(waitsForPerson({ reason: 'reputation', detail: 'x' })).toBe(true);
    expect(waitsForPerson({ reason: 'ses-not-ready', detail: 'x' })).toBe(true);
    expect(waitsForPerson({ reason: 'quota', detail: 'x' })).toBe(false);
    expect(waitsForPerson(undefined)).toBe(false);
  });
});

describe('afterLocalSend', () => {
  it('marks the edition sent with its finishing time when everyone has it', () => {
    const report = emptyReport();
    expect(afterLocalSend(report, NOW)).toEqual({ status: 'sent', report, finishedAt: NOW.toISOString(), pausedReason: undefined });
  });

  it('leaves a stopped edition sending, with the reason, for the next run to resume', () => {
    const report = { ...emptyReport(), stoppedReason: 'the 24-hour quota is used up' };
    expect(afterLocalSend(report, NOW)).toEqual({ status: 'sending', report, pausedReason: 'the 24-hour quota is used up' });
  });
});

describe('queuedEditionComplete', () => {
  it('is complete once sent, suppressed and failed deliveries reach the queued count', () => {
    expect(queuedEditionComplete(edition({ queued: 3, counts: { ...counts, sent: 1, suppressed: 1, failed: 1 } }))).toBe(true);
    expect(queuedEditionComplete(edition({ queued: 4, counts: { ...counts, sent: 1, suppressed: 1, failed: 1 } }))).toBe(false);
  });

  it('never completes an edition whose queued count is not written yet, or that is not sending', () => {
    expect(queuedEditionComplete(edition({ counts: { ...counts, sent: 5 } }))).toBe(false);
    expect(queuedEditionComplete(edition({ status: 'paused', queued: 1, counts: { ...counts, sent: 1 } }))).toBe(false);
  });
});

describe('afterQueuedBatch', () => {
  it('pauses the edition when SES refuses the account', () => {
    const report = { ...emptyReport(), stoppedReason: 'SES refuses', paused: { reason: 'ses-not-ready' as const, detail: 'sandbox' } };
    expect(afterQueuedBatch(report)).toEqual({ next: 'pause', reason: 'SES refuses' });
  });

  it('re-queues a quota stop after the quota wait, and held deliveries after the claim wait', () => {
    const quota = { ...emptyReport(), stoppedReason: 'quota used up', paused: { reason: 'quota' as const, detail: 'q' } };
    expect(afterQueuedBatch(quota)).toEqual({ next: 'retry', reason: 'quota used up', afterSeconds: QUOTA_RETRY_SECONDS });
    // When the shared tally says when it has room, the quota stop waits that long instead.
    expect(afterQueuedBatch(quota, 83_700)).toEqual({ next: 'retry', reason: 'quota used up', afterSeconds: 83_700 });
    const held = { ...emptyReport(), inProgress: 2 };
    expect(afterQueuedBatch(held)).toEqual({ next: 'retry', reason: '2 deliveries are held by another sender', afterSeconds: CLAIM_RETRY_SECONDS });
  });

  it('re-queues readers handed back after SES errors on every attempt a minute later', () => {
    const report = { ...emptyReport(), sent: 40, handedBack: 2 };
    expect(afterQueuedBatch(report)).toEqual({ next: 'retry', reason: '2 deliveries met SES errors on every attempt', afterSeconds: CLAIM_RETRY_SECONDS });
  });

  it('waits for the quota until the shared tally has room when it says, at least a minute, else a quarter hour', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    expect(quotaWaitSeconds(new Date('2026-12-02T08:15:00Z'), now)).toBe(23 * 3600 + 15 * 60);
    expect(quotaWaitSeconds(new Date('2026-12-01T09:00:10Z'), now)).toBe(CLAIM_RETRY_SECONDS);
    expect(quotaWaitSeconds(undefined, now)).toBe(QUOTA_RETRY_SECONDS);
    // Under a warm-up the ceiling grows at UTC midnight: the batch looks again then (15 h), not a day later.
    expect(quotaWaitSeconds(new Date('2026-12-02T08:15:00Z'), now, true)).toBe(15 * 3600);
  });

  it('is done when every delivery of the batch ended', () => {
    expect(afterQueuedBatch(emptyReport())).toEqual({ next: 'done' });
  });
});

describe('resumeEdition', () => {
  it('sends a paused edition again, judging rates from its counters so far', () => {
    const paused = edition({ status: 'paused', pausedReason: 'bounce rate', counts: { ...counts, bounces: 60 } });
    expect(resumeEdition(paused)).toEqual({ next: 'resume', changes: { status: 'sending', pausedReason: undefined, baseline: paused.counts } });
  });

  it('leaves an edition that is still sending to the next run', () => {
    expect(resumeEdition(edition({ status: 'sending' }))).toEqual({ next: 'goes-on' });
  });

  it('refuses a sent edition, and says what to do instead', () => {
    expect(resumeEdition(edition({ status: 'sent' }))).toEqual({
      next: 'refuse',
      reason:
        'edition ai-talent-2026-03-02-1a2b3c4d is sent, not paused: nothing to resume ' +
        '("npx newsletter editions resend ai-talent-2026-03-02-1a2b3c4d" sends its failed deliveries again)',
    });
  });
});
