import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { dailyLimit, sendContextFor } from '../../../functions/use-cases/delivery/send-context.js';
import { deliveryPlace } from '../../support/delivery-place.js';
import { FaultySesMailers } from '../../support/faulty-ses-mailers.js';
import { useTestServers } from '../../support/local-servers.js';

/** What a sender of an edition works from, read from an SES-compatible server with a quota and the edition as rendered. */
const servers = useTestServers();
const ses = new FaultySesMailers();
afterAll(() => ses.close());

const warmUp = { from: '2026-12-01', firstDay: 20, growth: 2 };

describe('sendContextFor', () => {
  it("keeps to the account's send rate, shared among the senders running at once, unless a rate is given", async () => {
    const mailer = ses.mailerFor(await ses.server({ quota: { maxSendRate: 14 } }));
    const { newsletter, deps, edition, rendered } = await deliveryPlace(servers(), [], { mailer });

    expect((await sendContextFor(newsletter, deps, edition, rendered, {})).rate).toBe(14);
    expect((await sendContextFor(newsletter, deps, edition, rendered, { senders: 2 })).rate).toBe(7);
    expect((await sendContextFor(newsletter, deps, edition, rendered, { rate: 3, senders: 2 })).rate).toBe(3);
  });

  it('sends no more than what is left of the 24-hour quota, and no more than a warm-up allows today', async () => {
    const server = await ses.server({ quota: { max24HourSend: 50 } });
    const mailer = ses.mailerFor(server);
    const { newsletter, deps, edition, rendered } = await deliveryPlace(servers(), [], { mailer });
    for (const to of ['one@example.com', 'two@example.com']) await mailer.send({ from: newsletter.from.email, to, raw: Buffer.from('Subject: x\r\n\r\nx') });

    expect((await sendContextFor(newsletter, deps, edition, rendered, {})).budget).toEqual({ remaining: 48 });
    // Day 0 of the warm-up: at most 20 in 24 hours, 2 of them already sent.
    expect((await sendContextFor(newsletter, deps, edition, rendered, { warmUp })).budget).toEqual({ remaining: 18 });
  });

  it("personalises the edition as rendered, from the newsletter's sender, dated when the edition was made", async () => {
    const { newsletter, deps, edition, rendered, clock } = await deliveryPlace(servers(), []);
    // A send resumed hours later still carries the edition's date.
    clock.advance(3 * 3600_000);
    const ctx = await sendContextFor(newsletter, deps, edition, rendered, { rate: 1 });

    const mail = await simpleParser(
      ctx.template.personalise({
        to: 'ann@example.com',
        unsubscribeUrl: 'https://news.example.com/unsubscribe?token=t',
        preferencesUrl: 'https://news.example.com/preferences?token=t',
        messageKey: `${edition.editionId}.reader`,
      }),
    );
    expect(mail.subject).toBe('The week in five articles');
    expect(mail.from?.value[0]).toMatchObject({ address: newsletter.from.email, name: newsletter.from.name });
    expect(mail.date?.toISOString()).toBe(new Date(edition.createdAt).toISOString());
    expect(mail.text).toContain('This week');
    expect(ctx.fromAddress).toBe(newsletter.from.email);
  });
});

describe('dailyLimit', () => {
  const now = new Date('2026-12-03T12:00:00Z');

  it("is the account's quota, or the warm-up's ceiling for the day when that is lower", () => {
    expect(dailyLimit({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 0 }, undefined, now)).toBe(50_000);
    // Day 2 of the warm-up: 20 × 2².
    expect(dailyLimit({ maxSendRate: 14, max24HourSend: 50_000, sentLast24Hours: 0 }, warmUp, now)).toBe(80);
  });

  it('is the warm-up alone when SES sets no quota, and none at all without one', () => {
    expect(dailyLimit({ maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 0 }, warmUp, now)).toBe(80);
    expect(dailyLimit({ maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 0 }, undefined, now)).toBe(-1);
  });
});
