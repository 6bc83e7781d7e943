import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { readerLinks, signToken, tokenKeysFrom } from '../../../functions/core/tokens.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { getPreferences } from '../../../functions/use-cases/subscriptions/preferences.js';
import { subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { mailsSince, sentCount } from '../../support/subscription-fixtures.js';
import { readerToken, tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Which reader a link names, and when it names nobody, against real dynalite and local SES. */
const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('a rotation of the signing key', () => {
  it('keeps links mailed before it working, readers on their ids and suppressions attached', async () => {
    const { deps, clock } = setUp();
    const reader = 'rotation-reader@example.com';
    const bounced = 'rotation-bounced@example.com';
    expect(await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, reader)))).toMatchObject({ ok: true });
    const readerId = subscriberId(deps.tokenKeys.id, reader);
    const mailedBefore = readerLinks(deps.tokenKeys.signing, 'https://news.example.com', 'ai-talent', readerId);
    await deps.suppressions.suppress(subscriberId(deps.tokenKeys.id, bounced), 'hard bounce', clock.now().toISOString());

    const rotated = { ...deps, tokenKeys: tokenKeysFrom(deps.tokenKeys.id, JSON.stringify({ signingKey: 'r'.repeat(64) }), 'test') };
    expect(rotated.tokenKeys.signing.equals(deps.tokenKeys.signing)).toBe(false);

    // The suppression is still found under the same id: no confirmation goes to the bounced address.
    const before = sentCount(servers());
    expect(await subscribe(rotated, { email: bounced, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers(), before, bounced)).toHaveLength(0);
    expect(rotated.logs.map((l) => l.event)).toContain('subscribe.suppressed');

    // The unsubscribe link in mail sent before the rotation still works, on the same subscriber.
    expect(await unsubscribe(rotated, tokenOf(mailedBefore.unsubscribeUrl))).toMatchObject({ ok: true, alreadyUnsubscribed: false });
    expect(await deps.subscribers.get('ai-talent', readerId)).toMatchObject({ status: 'unsubscribed' });
  });

  it('refuses a link whose key id names no key of the deployment', async () => {
    const { deps } = setUp();
    const reader = 'unknown-key-reader@example.com';
    expect(await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, reader)))).toMatchObject({ ok: true });
    const foreign = signToken(Buffer.from('f'.repeat(64)), {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, reader),
    });
    expect(await unsubscribe(deps, foreign)).toEqual({ ok: false, reason: 'invalid' });
    expect(await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, reader))).toMatchObject({ status: 'confirmed' });
  });
});

describe('a link that names nobody any more', () => {
  it('answers not-found for a reader suppressed since the link was mailed, and changes nothing', async () => {
    const { deps, clock } = setUp();
    const email = 'bounced-later@example.com';
    const id = subscriberId(deps.tokenKeys.id, email);
    expect(await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)))).toMatchObject({ ok: true });
    await deps.suppressions.suppress(id, 'hard bounce', clock.now().toISOString());
    expect(await getPreferences(deps, readerToken(deps, 'preferences', email))).toMatchObject({
      ok: false,
      reason: 'not-found',
      newsletter: { id: 'ai-talent' },
    });
    expect(await unsubscribe(deps, readerToken(deps, 'unsubscribe', email))).toMatchObject({ ok: false, reason: 'not-found' });
    expect((await deps.subscribers.get('ai-talent', id))?.status).toBe('confirmed');
  });

  it('refuses a genuine link of a newsletter no longer in the config', async () => {
    const { deps } = setUp();
    const email = 'stayed@example.com';
    expect(await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)))).toMatchObject({ ok: true });
    const withoutIt = { ...deps, newsletters: deps.newsletters.filter((n) => n.id !== 'ai-talent') };
    expect(await unsubscribe(withoutIt, readerToken(deps, 'unsubscribe', email))).toEqual({ ok: false, reason: 'invalid' });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
  });
});
