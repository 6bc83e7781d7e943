import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { signToken } from '../../../functions/core/tokens.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { checkEraseLink, erase, requestErasure } from '../../../functions/use-cases/subscriptions/erase.js';
import { getPreferences, updatePreferences } from '../../../functions/use-cases/subscriptions/preferences.js';
import { subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { linkIn, mailsSince, recipientOf, sentCount } from '../../support/subscription-fixtures.js';
import { readerToken, tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Erasure (GDPR art. 17), against real dynalite and local SES. */
const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('erase', () => {
  it('erases the address everywhere, keeps only a suppression hash, and never mails it again', async () => {
    const { deps, clock } = setUp();
    const email = 'forget-me@example.com';
    const id = subscriberId(deps.tokenKeys.id, email);
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)));
    const token = signToken(deps.tokenKeys.signing, { purpose: 'preferences', newsletterId: 'ai-talent', subscriberId: id });
    await updatePreferences(deps, token, ['ai-talent', 'weekly-en']);
    const unsubscribeToken = signToken(deps.tokenKeys.signing, { purpose: 'unsubscribe', newsletterId: 'ai-talent', subscriberId: id });

    // The preferences link (in every edition) does not erase; the link mailed on request does.
    expect(await erase(deps, token)).toEqual({ ok: false, reason: 'invalid' });
    expect((await deps.subscribers.get('ai-talent', id))?.status).toBe('confirmed');
    const eraseToken = signToken(deps.tokenKeys.signing, {
      purpose: 'erase',
      newsletterId: 'ai-talent',
      subscriberId: id,
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 3600,
    });
    expect(await erase(deps, eraseToken)).toMatchObject({ ok: true });
    expect(await deps.subscribers.get('ai-talent', id)).toBeUndefined();
    expect(await deps.subscribers.get('weekly-en', id)).toBeUndefined();
    expect(await deps.suppressions.isSuppressed(id)).toBe(true);
    // What is left in the table holds neither the address nor its unkeyed hash, which anyone
    // could recompute from a guessed address; only the keyed id.
    const left = JSON.stringify((await documentClient(servers().dynamodb).send(new ScanCommand({ TableName: servers().tableName }))).Items);
    expect(left).toContain(id);
    expect(left).not.toContain(email);
    expect(left).not.toContain(createHash('sha256').update(email).digest('hex').slice(0, 32));

    const before = sentCount(servers());
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers())).toBe(before);
    expect(await deps.subscribers.get('ai-talent', id)).toBeUndefined();
    expect(await unsubscribe(deps, unsubscribeToken)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await getPreferences(deps, token)).toMatchObject({ ok: false, reason: 'not-found' });
  });
});

describe('requestErasure', () => {
  it('mails the address itself a link valid for a day; opening it changes nothing, its button erases', async () => {
    const { deps, clock } = setUp();
    const email = 'asks-to-go@example.com';
    const id = subscriberId(deps.tokenKeys.id, email);
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)));
    const before = sentCount(servers());
    expect(await requestErasure(deps, readerToken(deps, 'preferences', email))).toMatchObject({ ok: true, newsletter: { id: 'ai-talent' } });
    const mails = await mailsSince(servers(), before);
    expect(mails.map(recipientOf)).toEqual([email]);
    const link = linkIn(mails[0]!, 'erase')!;
    expect(link).toMatch(/^https:\/\/news\.example\.com\/erase\?token=/);

    expect(await checkEraseLink(deps, tokenOf(link))).toMatchObject({ ok: true });
    expect((await deps.subscribers.get('ai-talent', id))?.status).toBe('confirmed');

    // A day later the link has run out; within the day it erases.
    const late = { ...deps, clock: new VirtualClock(clock.now().getTime() + 24 * 3600_000 + 1000) };
    expect(await erase(late, tokenOf(link))).toEqual({ ok: false, reason: 'expired' });
    expect(await erase(deps, tokenOf(link))).toMatchObject({ ok: true });
    expect(await deps.suppressions.isSuppressed(id)).toBe(true);
  });

  it('sends nothing for a link that is not a preferences link', async () => {
    const { deps } = setUp();
    const email = 'not-this-way@example.com';
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)));
    const before = sentCount(servers());
    expect(await requestErasure(deps, readerToken(deps, 'unsubscribe', email))).toEqual({ ok: false, reason: 'invalid' });
    expect(sentCount(servers())).toBe(before);
  });
});
