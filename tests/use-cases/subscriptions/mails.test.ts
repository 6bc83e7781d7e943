import { describe, expect, it } from 'vitest';
import { MailerError } from '../../../functions/core/errors.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { mailsSince, sentCount, testNewsletters } from '../../support/subscription-fixtures.js';
import { tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** The mails of a subscription (welcome, confirmation sends), through the use cases that send them, against real dynalite and local SES. */
const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

/**
 * The newsletters with the Chinese one under another id. The tests share one table, so a test that
 * stores an edition uses it: the other tests then still see a newsletter with no edition sent,
 * whatever order they run in.
 */
function withOwnNewsletter(id: string) {
  return testNewsletters().map((n) => (n.id === 'ai-talent' ? { ...n, id } : n));
}

describe('the welcome', () => {
  it('sends the latest sent edition as the welcome, once', async () => {
    const { deps, clock } = setUp(withOwnNewsletter('ai-talent-latest'));
    const rendered = { subject: 'AI 人才週報｜Latest edition', html: '<p>Latest</p><a href="{{unsubscribe_url}}">x</a>', text: 'Latest\n{{unsubscribe_url}}' };
    const record = {
      newsletterId: 'ai-talent-latest',
      editionId: 'ai-talent-latest-2026-03-01-abcdef12',
      status: 'sent' as const,
      createdAt: clock.now().toISOString(),
      subject: rendered.subject,
      date: '2026-03-01',
      articles: [],
    };
    await deps.editions.create(record, rendered);
    const email = 'latest@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email, 'ai-talent-latest');
    const before = sentCount(servers());
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true });
    const [mail] = await mailsSince(servers(), before, email);
    expect(mail?.subject).toBe('AI 人才週報｜Latest edition');
    expect(mail?.text).toMatch(/https:\/\/news\.example\.com\/unsubscribe\?token=/);
    const id = subscriberId(deps.tokenKeys.id, email);
    expect((await deps.ledger.entries(record.editionId, [id])).get(id)?.status).toBe('sent');
  });

  it('sends the welcome email of an English newsletter configured for it', async () => {
    const { deps } = setUp();
    const email = 'english@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email, 'weekly-en');
    const before = sentCount(servers());
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true, newsletter: { id: 'weekly-en' } });
    const [mail] = await mailsSince(servers(), before, email);
    expect(mail?.subject).toBe('Welcome to AI Weekly');
  });

  it('sends nothing after confirming when the newsletter welcomes with nothing', async () => {
    const { deps } = setUp(testNewsletters().map((n) => (n.id === 'weekly-en' ? { ...n, welcome: 'none' as const } : n)));
    const email = 'no-welcome@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email, 'weekly-en');
    const before = sentCount(servers());
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect(sentCount(servers())).toBe(before);
    expect(deps.logs).toContainEqual(expect.objectContaining({ event: 'confirm.welcome', fields: expect.objectContaining({ welcome: 'none' }) }));
  });
});

describe('the confirmation send', () => {
  it('retries a throttled confirmation send with backoff, so the reader still gets one', async () => {
    const { deps } = setUp();
    const email = 'throttled@example.com';
    let calls = 0;
    const throttling = {
      ...deps,
      mailer: {
        ...deps.mailer,
        getSendQuota: deps.mailer.getSendQuota.bind(deps.mailer),
        send: async (m: Parameters<typeof deps.mailer.send>[0]) => {
          if (calls++ < 2) throw new MailerError('SES refused the message: Throttling', { retryable: true, throttled: true });
          return deps.mailer.send(m);
        },
      },
    };
    const before = sentCount(servers());
    expect(await subscribe(throttling, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(calls).toBe(3);
    expect(await mailsSince(servers(), before, email)).toHaveLength(1);
  });
});
