import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { signToken } from '../../../functions/core/tokens.js';
import { checkConfirmLink, confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { CONFIRMATION_RESEND_INTERVAL_MS } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { header, mailsSince, sentCount } from '../../support/subscription-fixtures.js';
import { tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Confirming a sign-up from the mailed link, against real dynalite and local SES; what is welcomed is in mails.test.ts. */
const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('confirm', () => {
  it('checks a confirm link without confirming it or sending anything', async () => {
    const { deps } = setUp();
    const email = 'looked-at@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email);
    const before = sentCount(servers());
    expect(await checkConfirmLink(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: false, newsletter: { id: 'ai-talent' } });
    expect(await checkConfirmLink(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('pending');
    expect(sentCount(servers())).toBe(before);
    expect(await checkConfirmLink(deps, `${tokenOf(link)}x`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('confirms and sends a welcome email when no edition has been sent yet', async () => {
    const { deps } = setUp();
    const email = 'welcome@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email);
    const before = sentCount(servers());
    const result = await confirm(deps, tokenOf(link));
    expect(result).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
    const [welcome] = await mailsSince(servers(), before, email);
    expect(welcome?.subject).toBe('歡迎訂閱《AI 人才週報》');
    expect(header(welcome!, 'List-Unsubscribe')).toMatch(/^<https:\/\/news\.example\.com\/unsubscribe\?token=/);

    const again = sentCount(servers());
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: true });
    expect(sentCount(servers())).toBe(again);
  });

  it('refuses a forged token and changes nothing', async () => {
    const { deps } = setUp();
    const email = 'forged@example.com';
    const token = tokenOf(await subscribeAndGetConfirmLink(deps, email));
    const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(await confirm(deps, forged)).toEqual({ ok: false, reason: 'invalid' });
    const other = signToken(Buffer.alloc(32, 7), {
      purpose: 'confirm',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, email),
      expiresAt: 4_000_000_000,
    });
    expect(await confirm(deps, other)).toEqual({ ok: false, reason: 'invalid' });
    expect(await confirm(deps, 'not a token')).toEqual({ ok: false, reason: 'invalid' });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('pending');
  });

  it('refuses a token older than 7 days and changes nothing', async () => {
    const { deps, clock } = setUp();
    const email = 'late@example.com';
    const token = tokenOf(await subscribeAndGetConfirmLink(deps, email));
    clock.advance(7 * 24 * 3600 * 1000 + 1000);
    expect(await confirm(deps, token)).toEqual({ ok: false, reason: 'expired' });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('pending');
  });

  it('refuses an unsubscribe token used as a confirmation', async () => {
    const { deps } = setUp();
    const token = signToken(deps.tokenKeys.signing, {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, 'x@example.com'),
    });
    expect(await confirm(deps, token)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('confirm after leaving', () => {
  it('does not let an old confirmation link undo an unsubscribe, and confirms with the link of a new sign-up', async () => {
    const { deps, clock } = setUp();
    const email = 'leaver@example.com';
    const oldLink = await subscribeAndGetConfirmLink(deps, email);
    expect(await confirm(deps, tokenOf(oldLink))).toMatchObject({ ok: true });
    const unsubscribeToken = signToken(deps.tokenKeys.signing, {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, email),
    });
    expect(await unsubscribe(deps, unsubscribeToken)).toMatchObject({ ok: true });

    // A scanner re-visits the week-old confirmation email: nothing changes.
    clock.advance(60_000);
    expect(await confirm(deps, tokenOf(oldLink))).toEqual({ ok: false, reason: 'expired' });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('unsubscribed');

    // Signing up again sends a new link, and that one works; the old one still does not.
    clock.advance(CONFIRMATION_RESEND_INTERVAL_MS);
    const newLink = await subscribeAndGetConfirmLink(deps, email);
    expect(await confirm(deps, tokenOf(oldLink))).toEqual({ ok: false, reason: 'expired' });
    expect(await confirm(deps, tokenOf(newLink))).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
  });
});
