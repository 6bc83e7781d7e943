import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { emptyReport } from '../../../functions/core/delivery/report.js';
import type { DeliveryLedger } from '../../../functions/ports/delivery-ledger.js';
import { SentRecorder } from '../../../functions/use-cases/delivery/sent-recorder.js';
import { deliveryPlace } from '../../support/delivery-place.js';
import { useTestServers } from '../../support/local-servers.js';

/** Marks of accepted sends written to the delivery ledger on real dynalite. */
const servers = useTestServers();

/** The real ledger, remembering which readers each markSentMany call wrote. */
function watchedLedger(ledger: DeliveryLedger): { ledger: DeliveryLedger; writes: string[][] } {
  const writes: string[][] = [];
  return {
    writes,
    ledger: Object.assign(Object.create(ledger) as DeliveryLedger, {
      markSentMany: (editionId: string, sent: readonly { subscriberId: string; messageId: string }[], at: string) => {
        writes.push(sent.map((s) => s.subscriberId));
        return ledger.markSentMany(editionId, sent, at);
      },
    }),
  };
}

describe('SentRecorder', () => {
  it('has a mark in the ledger by the time it lets the sender go on, and marks nobody it was not given', async () => {
    const { readers, context, deps, edition } = await deliveryPlace(servers(), ['ann@example.com', 'bo@example.com']);
    const ctx = await context();
    const recorder = new SentRecorder(ctx, emptyReport());

    await recorder.add(readers[0]!.id, 'ses-1');

    // A crash here (kill -9, a Lambda timeout) leaves ann marked sent and bo, never sent, unmarked.
    const entries = await deps.ledger.entries(
      edition.editionId,
      readers.map((r) => r.id),
    );
    expect(entries.get(readers[0]!.id)?.status).toBe('sent');
    expect(entries.has(readers[1]!.id)).toBe(false);
  });

  it('writes the marks that arrive while a write is on its way together in the next write', async () => {
    const { readers, context, deps, edition } = await deliveryPlace(servers(), ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    const watched = watchedLedger(deps.ledger);
    const ctx = { ...(await context()), ledger: watched.ledger };
    const recorder = new SentRecorder(ctx, emptyReport());

    await Promise.all(readers.map((r, i) => recorder.add(r.id, `ses-${i}`)));
    await recorder.flush();

    const ids = readers.map((r) => r.id);
    expect(watched.writes).toEqual([[ids[0]], ids.slice(1)]);
    const entries = await deps.ledger.entries(edition.editionId, ids);
    expect(ids.map((id) => entries.get(id)?.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('counts the marks a ledger refuses as unrecorded and keeps the failure, without leaving the senders waiting', async () => {
    const { readers, context } = await deliveryPlace(servers(), ['e@example.com', 'f@example.com']);
    // A table that does not exist: dynalite refuses every write, as DynamoDB does.
    const ctx = { ...(await context()), ledger: new DynamoDeliveryLedger(servers().dynamodb, 'no-such-table') };
    const report = emptyReport();
    const recorder = new SentRecorder(ctx, report);

    await Promise.all(readers.map((r, i) => recorder.add(r.id, `ses-${i}`)));
    await recorder.flush();

    expect(report.unrecorded).toBe(2);
    expect(recorder.failure).toBeInstanceOf(Error);
  });
});
