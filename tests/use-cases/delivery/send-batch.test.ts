import { describe, expect, it } from 'vitest';
import { sendBatch } from '../../../functions/use-cases/delivery/send-batch.js';
import { deliveryPlace } from '../../support/delivery-place.js';
import { useTestServers } from '../../support/local-servers.js';

/** One batch sent against real dynalite and the local SES server, as both send paths do. */
const servers = useTestServers();
const setUp = (emails: string[]) => deliveryPlace(servers(), emails);

/** The addresses the local SES server accepted mail for since `before` messages. */
function recipientsSince(before: number): string[] {
  return servers()
    .embedded.ses!.messages.slice(before)
    .flatMap((m) => m.destinations);
}

describe('sendBatch', () => {
  it('sends each reader of the batch one copy, records it, and sends nothing when the same batch is sent again', async () => {
    const { readers, context, deps, edition } = await setUp(['ann@example.com', 'bo@example.com', 'cy@example.com']);
    const before = servers().embedded.ses!.messages.length;

    const first = await sendBatch(await context(), readers);
    expect(first.report).toMatchObject({ sent: 3, alreadySent: 0, failed: 0 });
    expect(first.unfinished).toEqual([]);
    expect(recipientsSince(before).sort()).toEqual(['ann@example.com', 'bo@example.com', 'cy@example.com']);
    expect(await deps.ledger.countEnded(edition.editionId)).toBe(3);

    const again = await sendBatch(await context(), readers);
    expect(again.report).toMatchObject({ sent: 0, alreadySent: 3 });
    expect(recipientsSince(before)).toHaveLength(3);
  });

  it('passes over a suppressed reader on record, without mailing them', async () => {
    const { readers, context, deps } = await setUp(['dee@example.com', 'ed@example.com']);
    await deps.suppressions.suppress(readers[1]!.id, 'hard bounce', '2026-11-30T00:00:00Z');
    const before = servers().embedded.ses!.messages.length;

    const { report } = await sendBatch(await context(), readers);
    expect(report).toMatchObject({ sent: 1, suppressed: 1 });
    expect(recipientsSince(before)).toEqual(['dee@example.com']);
  });

  it('stops at the 24-hour quota and hands back the readers it did not reach, so a later run sends them', async () => {
    const { readers, context } = await setUp(['fay@example.com', 'gus@example.com', 'hal@example.com']);
    const before = servers().embedded.ses!.messages.length;

    const stopped = await sendBatch(await context({ budget: 2 }), readers);
    expect(stopped.report.sent).toBe(2);
    expect(stopped.report.paused?.reason).toBe('quota');
    expect(stopped.unfinished).toEqual([readers[2]!.id]);

    const later = await sendBatch(await context(), readers);
    expect(later.report).toMatchObject({ sent: 1, alreadySent: 2 });
    expect(recipientsSince(before).sort()).toEqual(['fay@example.com', 'gus@example.com', 'hal@example.com']);
  });
});
