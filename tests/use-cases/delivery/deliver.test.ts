import { afterAll, describe, expect, it } from 'vitest';
import { emptyReport } from '../../../functions/core/delivery/report.js';
import { deliver, standingOf } from '../../../functions/use-cases/delivery/deliver.js';
import { SentRecorder } from '../../../functions/use-cases/delivery/sent-recorder.js';
import { deliveryPlace } from '../../support/delivery-place.js';
import { FaultySesMailers } from '../../support/faulty-ses-mailers.js';
import { useTestServers } from '../../support/local-servers.js';

/** One reader's delivery, against real dynalite and SES-compatible servers that refuse as SES does. */
const servers = useTestServers();
const ses = new FaultySesMailers();
afterAll(() => ses.close());

describe('deliver', () => {
  it('records each reader before the next, one SES refuses as failed with the reason and no address, and sends the rest', async () => {
    const refusing = await ses.server({ rejectRecipients: ['gone@example.com'] });
    const { readers, context, deps, edition } = await deliveryPlace(servers(), ['ann@example.com', 'gone@example.com', 'cy@example.com'], {
      mailer: ses.mailerFor(refusing),
    });
    const ctx = await context();
    const report = emptyReport();
    const recorder = new SentRecorder(ctx, report);

    // Each reader's ending is in the ledger before the sender takes the next: a crash between two leaves nobody sent unmarked.
    const endings: (string | undefined)[] = [];
    for (const reader of readers) {
      expect(await deliver(ctx, reader, report, 'send', recorder)).toBe('done');
      endings.push((await deps.ledger.entries(edition.editionId, [reader.id])).get(reader.id)?.status);
    }
    expect(endings).toEqual(['sent', 'failed', 'sent']);

    expect(report).toMatchObject({ sent: 2, failed: 1 });
    expect(report.failures).toEqual([{ subscriberId: readers[1]!.id, reason: expect.stringContaining('blacklisted') }]);
    expect(JSON.stringify(report)).not.toContain('gone@example.com');
    expect(refusing.accepted.map((m) => m.recipient).sort()).toEqual(['ann@example.com', 'cy@example.com']);
  });

  it('passes over a reader who is not to be sent, mailing nothing and giving back their unit of the quota', async () => {
    const { readers, context } = await deliveryPlace(servers(), ['left@example.com']);
    const ctx = await context({ budget: 4 });
    const report = emptyReport();
    const before = servers().embedded.ses!.messages.length;

    for (const standing of ['suppressed', 'already-sent', 'in-progress'] as const)
      expect(await deliver(ctx, readers[0]!, report, standing, new SentRecorder(ctx, report))).toBe('done');

    expect(report).toMatchObject({ sent: 0, suppressed: 1, alreadySent: 1, inProgress: 1 });
    expect(servers().embedded.ses!.messages.length).toBe(before);
    expect(ctx.budget!.remaining).toBe(7);
  });

  it('hands a reader back to the queued send, unmarked and not failed, when every attempt meets an SES server fault', async () => {
    const failing = await ses.server({ refuseAll: { status: 500, code: 'InternalFailure', message: 'We encountered an internal error.' } });
    const attempt = async (email: string, handBackTransient: boolean) => {
      const place = await deliveryPlace(servers(), [email], { mailer: ses.mailerFor(failing) });
      const ctx = { ...(await place.context({ budget: 1 })), retries: 1, handBackTransient };
      const report = emptyReport();
      const result = await deliver(ctx, place.readers[0]!, report, 'send', new SentRecorder(ctx, report));
      const entry = (await place.deps.ledger.entries(place.edition.editionId, [place.readers[0]!.id])).get(place.readers[0]!.id);
      return { result, report, entry: entry?.status, budget: ctx.budget!.remaining };
    };

    // The in-process send marks them failed (`editions resend` tries again later) ...
    const local = await attempt('flaky@example.com', false);
    expect(local).toMatchObject({ result: 'done', report: { failed: 1 }, entry: 'failed' });
    // ... the queued send hands them back with the batch: a minute later, not a reader lost.
    const queued = await attempt('flaky2@example.com', true);
    // (deliver gives back the unit of quota the worker took for them: 1 left, plus theirs.)
    expect(queued).toMatchObject({ result: 'handed-back', report: { sent: 0, failed: 0, handedBack: 1 }, entry: undefined, budget: 2 });
  });

  it('stops the send at the 24-hour quota and leaves the reader unmarked, so a later run sends them', async () => {
    const full = await ses.server({ quota: { max24HourSend: 0 } });
    const { readers, context, deps, edition } = await deliveryPlace(servers(), ['late@example.com'], { mailer: ses.mailerFor(full) });
    const ctx = await context({ budget: 1 });
    const report = emptyReport();

    expect(await deliver(ctx, readers[0]!, report, 'send', new SentRecorder(ctx, report))).toBe('over-quota');

    expect(report).toMatchObject({ sent: 0, failed: 0, paused: { reason: 'quota' } });
    expect(report.stoppedReason).toMatch(/quota is used up; run again later/);
    expect(ctx.budget!.remaining).toBe(0);
    expect((await deps.ledger.entries(edition.editionId, [readers[0]!.id])).get(readers[0]!.id)).toBeUndefined();
  });

  it('pauses the send when SES refuses the account, naming the fix, and fails no reader for it', async () => {
    const sandboxed = await ses.server({
      refuseAll: {
        status: 400,
        code: 'MessageRejected',
        message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.com, dee@example.com',
      },
    });
    const { readers, context, deps, edition } = await deliveryPlace(servers(), ['dee@example.com'], { mailer: ses.mailerFor(sandboxed) });
    const ctx = await context();
    const report = emptyReport();

    expect(await deliver(ctx, readers[0]!, report, 'send', new SentRecorder(ctx, report))).toBe('done');

    expect(report).toMatchObject({ sent: 0, failed: 0, paused: { reason: 'ses-not-ready' } });
    expect(report.stoppedReason).toMatch(/verify the sender identity.*newsletter editions resume/);
    expect(JSON.stringify(report)).not.toContain('dee@example.com');
    expect((await deps.ledger.entries(edition.editionId, [readers[0]!.id])).get(readers[0]!.id)).toBeUndefined();
  });
});

describe('standingOf', () => {
  it("sends unless the reader has the edition or another sender's claim on them is still live", async () => {
    const { context, clock } = await deliveryPlace(servers(), []);
    const ctx = await context();
    const inAMinute = new Date(clock.now().getTime() + 60_000).toISOString();
    const aMinuteAgo = new Date(clock.now().getTime() - 60_000).toISOString();

    expect(standingOf(ctx, undefined)).toBe('send');
    expect(standingOf(ctx, { status: 'sent' })).toBe('already-sent');
    expect(standingOf(ctx, { status: 'claimed', owner: 'welcome:other', leaseUntil: inAMinute })).toBe('in-progress');
    expect(standingOf(ctx, { status: 'claimed', owner: 'welcome:other', leaseUntil: aMinuteAgo })).toBe('send');
    expect(standingOf(ctx, { status: 'claimed', owner: ctx.owner, leaseUntil: inAMinute })).toBe('send');
    // A failed reader is tried again by the next run.
    expect(standingOf(ctx, { status: 'failed' })).toBe('send');
  });
});
