import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { signToken } from '../../../functions/core/tokens.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { checkUnsubscribeLink, unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Leaving from an edition's link, against real dynalite and local SES. */
const { setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('unsubscribe', () => {
  it('checks a link without changing anything, then unsubscribes on request', async () => {
    const { deps } = setUp();
    const email = 'leaving@example.com';
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)));
    const token = signToken(deps.tokenKeys.signing, {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, email),
    });
    expect(await checkUnsubscribeLink(deps, token)).toMatchObject({ ok: true, alreadyUnsubscribed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
    expect(await unsubscribe(deps, token)).toMatchObject({ ok: true, alreadyUnsubscribed: false });
    expect(await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email))).toMatchObject({ status: 'unsubscribed' });
    expect(await unsubscribe(deps, token)).toMatchObject({ ok: true, alreadyUnsubscribed: true });
  });

  it('refuses forged and unknown links', async () => {
    const { deps } = setUp();
    const unknown = signToken(deps.tokenKeys.signing, {
      purpose: 'unsubscribe',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, 'nobody@example.com'),
    });
    expect(await unsubscribe(deps, unknown)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await unsubscribe(deps, `${unknown}x`)).toEqual({ ok: false, reason: 'invalid' });
    const preferences = signToken(deps.tokenKeys.signing, {
      purpose: 'preferences',
      newsletterId: 'ai-talent',
      subscriberId: subscriberId(deps.tokenKeys.id, 'nobody@example.com'),
    });
    expect(await unsubscribe(deps, preferences)).toEqual({ ok: false, reason: 'invalid' });
  });
});
