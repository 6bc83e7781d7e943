import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { signToken } from '../../../functions/core/tokens.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { getPreferences, updatePreferences } from '../../../functions/use-cases/subscriptions/preferences.js';
import { tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Choosing newsletters from the preferences link, against real dynalite and local SES. */
const { setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('preferences', () => {
  it('joins and leaves newsletters from the preferences link', async () => {
    const { deps } = setUp();
    const email = 'chooser@example.com';
    const id = subscriberId(deps.tokenKeys.id, email);
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)));
    const token = signToken(deps.tokenKeys.signing, { purpose: 'preferences', newsletterId: 'ai-talent', subscriberId: id });
    expect(await getPreferences(deps, token)).toMatchObject({
      ok: true,
      redactedEmail: 'c***@example.com',
      choices: [
        { newsletterId: 'ai-talent', subscribed: true },
        { newsletterId: 'weekly-en', subscribed: false },
      ],
    });
    await updatePreferences(deps, token, ['weekly-en']);
    expect((await deps.subscribers.get('ai-talent', id))?.status).toBe('unsubscribed');
    expect(await deps.subscribers.get('weekly-en', id)).toMatchObject({ status: 'confirmed', email, consent: { source: 'preferences page' } });
    expect(await updatePreferences(deps, token, ['weekly-en', 'evil'])).toEqual({ ok: false, reason: 'unknown-newsletter' });
  });
});
