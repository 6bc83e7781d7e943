import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer.js';
import { deliveryGroupsFor } from '../../../functions/core/delivery/groups.js';
import type { EditionRecord } from '../../../functions/core/edition-lifecycle.js';
import { subscriberId, type Subscriber } from '../../../functions/core/subscriber.js';
import { sendBatch } from '../../../functions/use-cases/delivery/send-batch.js';
import { sendContextFor } from '../../../functions/use-cases/delivery/send-context.js';
import { useTestServers } from '../../support/local-servers.js';
import { testNewsletter } from '../../support/newsletters.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

/** One batch sent against real dynalite and the local SES server, as both send paths do. */
const servers = useTestServers();
const newsletter = testNewsletter();
let tables = 0;

async function setUp(emails: string[]) {
  const tableName = `send-batch-${++tables}`;
  await ensureTable(servers().dynamodb, tableName);
  const subscribers = new DynamoSubscriberStore(servers().dynamodb, tableName);
  const readers: Subscriber[] = emails.map((email) => ({
    id: subscriberId(ID_KEY, email),
    newsletterId: newsletter.id,
    email,
    status: 'confirmed',
    createdAt: '2026-11-01T00:00:00Z',
  }));
  for (const reader of readers) await subscribers.put(reader);
  const clock = new VirtualClock(Date.parse('2026-12-01T08:00:00Z'));
  const deps = {
    owner: `sender-${tables}`,
    editions: new DynamoEditionStore(servers().dynamodb, tableName),
    subscribers,
    suppressions: new DynamoSuppressionStore(servers().dynamodb, tableName),
    ledger: new DynamoDeliveryLedger(servers().dynamodb, tableName),
    mailer: new SesMailer(servers().ses),
    tokenKey: randomBytes(32),
    clock,
  };
  const edition: EditionRecord = {
    newsletterId: newsletter.id,
    editionId: `${newsletter.id}-2026-12-01-${tables}`,
    status: 'sending',
    createdAt: clock.now().toISOString(),
    subject: 'The week in five articles',
    date: '2026-12-01',
    articles: [],
    deliveryGroups: deliveryGroupsFor(readers.length),
  };
  const rendered = { subject: edition.subject, html: '<html><body><p>This week</p></body></html>', text: 'This week' };
  const context = (options: { budget?: number } = {}) =>
    sendContextFor(newsletter, deps, edition, rendered, { rate: 1000 }).then((ctx) => ({
      ...ctx,
      ...(options.budget === undefined ? {} : { budget: { remaining: options.budget } }),
    }));
  return { deps, edition, readers, context };
}

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
