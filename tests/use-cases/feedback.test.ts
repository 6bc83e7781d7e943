import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoFeedbackLog } from '../../functions/adapters/dynamodb/feedback-log.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { handleFeedback, SOFT_BOUNCE_LIMIT } from '../../functions/use-cases/feedback.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';

let servers: TestServers;
let suppressions: DynamoSuppressionStore;
let editions: DynamoEditionStore;
let feedback: DynamoFeedbackLog;
const now = new Date('2026-11-29T08:00:00Z');
const tokenKey = randomBytes(32);
const editionId = 'weekly-2026-11-29-0a1b2c3d';

beforeAll(async () => {
  servers = await startTestServers();
  suppressions = new DynamoSuppressionStore(servers.dynamodb, servers.tableName);
  editions = new DynamoEditionStore(servers.dynamodb, servers.tableName);
  feedback = new DynamoFeedbackLog(servers.dynamodb, servers.tableName);
  await editions.create(
    { newsletterId: 'weekly', editionId, status: 'sending', createdAt: now.toISOString(), subject: 'S', date: '2026-11-29', articles: [] },
    { subject: 'S', html: '<p></p>', text: '' },
  );
});
afterAll(async () => servers?.stop());

const mail = (address: string) => ({ commonHeaders: { messageId: `<${editionId}.${subscriberId(tokenKey, address)}@example.com>` } });

describe('handleFeedback', () => {
  it('suppresses a hard bounce at once and counts it on its edition', async () => {
    const outcomes = await handleFeedback(
      {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Gone <gone@example.com>' }] },
        mail: mail('gone@example.com'),
      },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(outcomes).toEqual([{ kind: 'suppressed', subscriberId: subscriberId(tokenKey, 'gone@example.com'), reason: 'hard bounce' }]);
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'gone@example.com'))).toBe(true);
    expect((await editions.get('weekly', editionId))!.counts!.bounces).toBe(1);
  });

  it('finds an internationalised address that SES reports in punycode, under the keyed id it subscribed with', async () => {
    const outcomes = await handleFeedback(
      { eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'anna@xn--bcher-kva.de' }] } },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(outcomes).toEqual([{ kind: 'suppressed', subscriberId: subscriberId(tokenKey, 'Anna@Bücher.de'), reason: 'hard bounce' }]);
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'anna@bücher.de'))).toBe(true);
    // Another deployment's key finds nothing: the id is not a bare hash of the address.
    expect(await suppressions.isSuppressed(subscriberId(randomBytes(32), 'anna@bücher.de'))).toBe(false);
  });

  it('suppresses a complaint at once (identity notification format too)', async () => {
    await handleFeedback(
      { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'angry@example.com' }] }, mail: mail('angry@example.com') },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'angry@example.com'))).toBe(true);
    expect((await editions.get('weekly', editionId))!.counts!.complaints).toBe(1);
  });

  it(`suppresses a soft-bouncing address only after ${SOFT_BOUNCE_LIMIT} transient bounces`, async () => {
    const event = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'full@example.com' }] },
      mail: mail('full@example.com'),
    };
    for (let i = 1; i < SOFT_BOUNCE_LIMIT; i++) {
      expect(await handleFeedback(event, { suppressions, editions, feedback, now, idKey: tokenKey })).toEqual([
        { kind: 'soft-bounce', subscriberId: subscriberId(tokenKey, 'full@example.com'), count: i },
      ]);
      expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'full@example.com'))).toBe(false);
    }
    await handleFeedback(event, { suppressions, editions, feedback, now, idKey: tokenKey });
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'full@example.com'))).toBe(true);
  });

  it('ignores deliveries and junk without throwing', async () => {
    expect(await handleFeedback({ eventType: 'Delivery' }, { suppressions, editions, feedback, now, idKey: tokenKey })).toEqual([
      { kind: 'ignored', reason: 'notification type Delivery needs no action' },
    ]);
    expect(await handleFeedback('nonsense', { suppressions, editions, feedback, now, idKey: tokenKey })).toEqual([
      { kind: 'ignored', reason: 'not an SES notification' },
    ]);
  });
});

describe('handleFeedback delivered more than once (SNS and Lambda retry)', () => {
  const otherEdition = 'weekly-2026-12-06-1a2b3c4d';
  beforeAll(async () => {
    await editions.create(
      { newsletterId: 'weekly', editionId: otherEdition, status: 'sending', createdAt: now.toISOString(), subject: 'S', date: '2026-12-06', articles: [] },
      { subject: 'S', html: '<p></p>', text: '' },
    );
  });
  const mailOf = (address: string, sesMessageId: string) => ({
    messageId: sesMessageId,
    commonHeaders: { messageId: `<${otherEdition}.${subscriberId(tokenKey, address)}@example.com>` },
  });
  const counts = async (): Promise<{ bounces?: number; complaints?: number }> => (await editions.get('weekly', otherEdition))!.counts ?? {};

  it('counts the same hard bounce once on its edition, and still keeps the address suppressed', async () => {
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bounceSubType: 'General', feedbackId: '0100-bounce-a', bouncedRecipients: [{ emailAddress: 'twice@example.com' }] },
      mail: mailOf('twice@example.com', '0100-msg-a'),
    };
    await handleFeedback(bounce, { suppressions, editions, feedback, now, idKey: tokenKey });
    const again = await handleFeedback(bounce, { suppressions, editions, feedback, now, idKey: tokenKey });
    expect(again).toContainEqual({ kind: 'duplicate', feedbackKey: '0100-msg-a#0100-bounce-a' });
    expect((await counts()).bounces).toBe(1);
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'twice@example.com'))).toBe(true);
  });

  it("counts the same soft bounce once towards the address's limit", async () => {
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Transient', feedbackId: '0100-soft-a', bouncedRecipients: [{ emailAddress: 'busy@example.com' }] },
      mail: mailOf('busy@example.com', '0100-msg-b'),
    };
    for (let i = 0; i < SOFT_BOUNCE_LIMIT + 1; i++) await handleFeedback(bounce, { suppressions, editions, feedback, now, idKey: tokenKey });
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'busy@example.com'))).toBe(false);
    // A genuinely new soft bounce (another feedback id) counts.
    const next = await handleFeedback(
      { ...bounce, bounce: { ...bounce.bounce, feedbackId: '0100-soft-b' } },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(next).toEqual([{ kind: 'soft-bounce', subscriberId: subscriberId(tokenKey, 'busy@example.com'), count: 2 }]);
  });

  it('counts the same complaint once', async () => {
    const before = (await counts()).complaints ?? 0;
    const complaint = {
      eventType: 'Complaint',
      complaint: { feedbackId: '0100-complaint-a', complainedRecipients: [{ emailAddress: 'cross@example.com' }] },
      mail: mailOf('cross@example.com', '0100-msg-c'),
    };
    await handleFeedback(complaint, { suppressions, editions, feedback, now, idKey: tokenKey });
    await handleFeedback(complaint, { suppressions, editions, feedback, now, idKey: tokenKey });
    expect((await counts()).complaints).toBe(before + 1);
  });

  it('does not count a bounce from the SES account suppression list towards the edition, but never mails the address', async () => {
    const before = (await counts()).bounces ?? 0;
    const outcomes = await handleFeedback(
      {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'OnAccountSuppressionList',
          feedbackId: '0100-list-a',
          bouncedRecipients: [{ emailAddress: 'listed@example.com' }],
        },
        mail: mailOf('listed@example.com', '0100-msg-d'),
      },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(outcomes).toEqual([
      { kind: 'suppressed', subscriberId: subscriberId(tokenKey, 'listed@example.com'), reason: 'on the SES account suppression list' },
    ]);
    expect(await suppressions.isSuppressed(subscriberId(tokenKey, 'listed@example.com'))).toBe(true);
    expect((await counts()).bounces ?? 0).toBe(before);
  });
});

describe('handleFeedback: what each edition did', () => {
  const tagged = (id: string) => ({ messageId: `ses-${id}`, tags: { newsletter: ['weekly'], edition: [editionId] } });

  it('counts deliveries, rejects and delays on the edition named by the message tags, once per event', async () => {
    const deps = { suppressions, editions, feedback, now, idKey: tokenKey };
    const delivery = { eventType: 'Delivery', mail: tagged('d1'), delivery: { timestamp: now.toISOString(), recipients: ['ann@example.com'] } };
    expect(await handleFeedback(delivery, deps)).toEqual([{ kind: 'counted', editionId, counts: { delivered: 1 } }]);
    // SNS delivers at least once: the same event again counts nothing.
    expect((await handleFeedback(delivery, deps))[0]!.kind).toBe('duplicate');
    await handleFeedback({ eventType: 'Reject', mail: tagged('r1'), reject: { reason: 'Bad content' } }, deps);
    await handleFeedback(
      {
        eventType: 'DeliveryDelay',
        mail: tagged('y1'),
        deliveryDelay: { timestamp: now.toISOString(), delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: 'bob@example.com' }] },
      },
      deps,
    );
    const counts = (await editions.get('weekly', editionId))!.counts!;
    expect(counts).toMatchObject({ delivered: 1, rejected: 1, delayed: 1 });
  });

  it('ignores a delivery of a message that is no edition (a confirmation mail)', async () => {
    const outcomes = await handleFeedback(
      { eventType: 'Delivery', mail: { messageId: 'ses-c1' }, delivery: { recipients: ['ann@example.com'] } },
      { suppressions, editions, feedback, now, idKey: tokenKey },
    );
    expect(outcomes).toEqual([{ kind: 'ignored', reason: "Delivery event of a message that is not an edition's" }]);
  });
});
