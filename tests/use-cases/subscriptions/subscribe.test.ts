import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { verifyToken } from '../../../functions/core/tokens.js';
import { confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { erase } from '../../../functions/use-cases/subscriptions/erase.js';
import { CONFIRMATION_RESEND_INTERVAL_MS, subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { linkIn, mailsSince, recipientOf, sentCount } from '../../support/subscription-fixtures.js';
import { readerToken, tokenOf, useSubscriptionSteps } from '../../support/subscription-steps.js';

/** Signing up, against real dynalite and local SES: double opt-in, the same answer for every address, nothing logged that names one. */
const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();

describe('subscribe', () => {
  it('stores a pending subscriber with consent evidence and mails a confirmation link valid for 7 days', async () => {
    const { deps, clock } = setUp();
    const before = sentCount(servers());
    const result = await subscribe(deps, { email: '  Ann@Example.COM ', newsletterId: 'ai-talent', source: 'sign-up page' });
    expect(result).toMatchObject({ ok: true, newsletter: { id: 'ai-talent' } });

    const stored = await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'ann@example.com'));
    expect(stored).toMatchObject({
      status: 'pending',
      email: 'Ann@example.com',
      consent: { at: clock.now().toISOString(), source: 'sign-up page' },
      confirmationSentAt: clock.now().toISOString(),
    });

    const mails = await mailsSince(servers(), before);
    expect(mails).toHaveLength(1);
    expect(recipientOf(mails[0]!)).toBe('Ann@example.com');
    expect(mails[0]!.subject).toBe('請確認訂閱《AI 人才週報》');
    const link = linkIn(mails[0]!, 'confirm')!;
    expect(link.startsWith('https://news.example.com/confirm?token=')).toBe(true);
    expect(link).not.toContain('ann');
    const check = verifyToken(deps.tokenKeys, tokenOf(link), 'confirm', clock.now().getTime() / 1000);
    expect(check).toMatchObject({
      ok: true,
      claims: {
        subscriberId: subscriberId(deps.tokenKeys.id, 'ann@example.com'),
        newsletterId: 'ai-talent',
        expiresAt: clock.now().getTime() / 1000 + 7 * 24 * 3600,
      },
    });
    expect(deps.logs.map((l) => l.event)).toContain('subscribe.confirmation-sent');
  });

  it('re-sends a confirmation at most once per 10 minutes per address', async () => {
    const { deps, clock } = setUp();
    const email = 'resend@example.com';
    await subscribeAndGetConfirmLink(deps, email);

    clock.advance(CONFIRMATION_RESEND_INTERVAL_MS - 1000);
    let before = sentCount(servers());
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers())).toBe(before);

    clock.advance(2000);
    before = sentCount(servers());
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers(), before, email)).toHaveLength(1);
  });

  it('gives a confirmed address the same answer and sends it nothing', async () => {
    const { deps } = setUp();
    const email = 'known@example.com';
    expect((await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)))).ok).toBe(true);
    const before = sentCount(servers());
    const again = await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' });
    const fresh = await subscribe(deps, { email: 'someone-new@example.com', newsletterId: 'ai-talent', source: 'test' });
    expect(again).toEqual(fresh);
    expect(await mailsSince(servers(), before, email)).toHaveLength(0);
  });

  it('pretends to succeed on the honeypot, storing and sending nothing', async () => {
    const { deps } = setUp();
    const before = sentCount(servers());
    const result = await subscribe(deps, { email: 'robot@example.com', newsletterId: 'ai-talent', honeypot: 'https://spam.example', source: 'test' });
    expect(result).toMatchObject({ ok: true });
    expect(sentCount(servers())).toBe(before);
    expect(await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'robot@example.com'))).toBeUndefined();
  });

  it.each([
    ['a line break that would add a header', 'victim@example.com\r\nBcc: everyone@example.com'],
    ['no @', 'not-an-address'],
    ['more than 254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`],
    ['a quoted local part', '"a b"@example.com'],
    ['a non-string value', { $ne: null }],
  ])('refuses an address with %s, storing and sending nothing', async (_label, email) => {
    const { deps } = setUp();
    const before = sentCount(servers());
    const result = await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid-email' });
    expect(sentCount(servers())).toBe(before);
  });

  it('accepts an internationalised domain and mails it in punycode', async () => {
    const { deps } = setUp();
    const before = sentCount(servers());
    expect(await subscribe(deps, { email: 'reader@例え.jp', newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    const sent = servers().embedded.ses!.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.destinations).toEqual(['reader@xn--r8jz45g.jp']);
    expect(sent[0]!.raw.toString('latin1')).toMatch(/^To: reader@xn--r8jz45g\.jp\r$/m);
  });

  it('refuses a newsletter id that is not in the config', async () => {
    const { deps } = setUp();
    expect(await subscribe(deps, { email: 'ann@example.com', newsletterId: 'no-such-list', source: 'test' })).toEqual({
      ok: false,
      reason: 'unknown-newsletter',
    });
  });

  it('gives a suppressed address the same answer but no email', async () => {
    const { deps, clock } = setUp();
    await deps.suppressions.suppress(subscriberId(deps.tokenKeys.id, 'bounced@example.com'), 'bounce', clock.now().toISOString());
    const before = sentCount(servers());
    expect(await subscribe(deps, { email: 'bounced@example.com', newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers())).toBe(before);
  });
});

describe('subscribe when the confirmation cannot be sent', () => {
  it('answers the same, logs the failure, and a retry a moment later sends the confirmation instead of hitting the re-send limit', async () => {
    const { deps } = setUp();
    const email = 'unlucky@example.com';
    let calls = 0;
    // SES failing for good once is a fault no local server produces on demand: force it on the mailer.
    const flaky = {
      ...deps,
      mailer: {
        ...deps.mailer,
        getSendQuota: deps.mailer.getSendQuota.bind(deps.mailer),
        send: async (m: Parameters<typeof deps.mailer.send>[0]) => {
          if (calls++ === 0) throw new Error('SES refused the message: ServiceUnavailable');
          return deps.mailer.send(m);
        },
      },
    };
    // An error page here would tell that a send was attempted, that is, that the address is not confirmed.
    expect(await subscribe(flaky, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(deps.logs.map((l) => l.event)).toContain('subscribe.failed');
    const before = sentCount(servers());
    expect(await subscribe(flaky, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers(), before, email)).toHaveLength(1);
  });
});

/** Records every call made on a port, in order, as `port.method`. */
function counting<T extends object>(target: T, port: string, calls: string[]): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${port}.${String(prop)}`);
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

describe('subscribe answers before anything that depends on the address', () => {
  it('makes no store or mail call before answering, for a new, pending, confirmed, unsubscribed or erased address', async () => {
    const { deps } = setUp();
    const states: Record<string, string> = {
      new: 'timing-new@example.com',
      pending: 'timing-pending@example.com',
      confirmed: 'timing-confirmed@example.com',
      unsubscribed: 'timing-left@example.com',
      erased: 'timing-erased@example.com',
    };
    await subscribeAndGetConfirmLink(deps, states.pending!);
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, states.confirmed!)));
    await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, states.unsubscribed!)));
    await unsubscribe(deps, readerToken(deps, 'unsubscribe', states.unsubscribed!));
    await subscribeAndGetConfirmLink(deps, states.erased!);
    await erase(deps, readerToken(deps, 'erase', states.erased!, { expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + 3600 }));

    const beforeAnswer: Record<string, string[]> = {};
    const afterAnswer: Record<string, string[]> = {};
    const answers = new Set<string>();
    for (const [state, email] of Object.entries(states)) {
      const calls: string[] = [];
      let deferred: (() => Promise<void>) | undefined;
      const watched = {
        ...deps,
        subscribers: counting(deps.subscribers, 'subscribers', calls),
        suppressions: counting(deps.suppressions, 'suppressions', calls),
        editions: counting(deps.editions, 'editions', calls),
        ledger: counting(deps.ledger, 'ledger', calls),
        mailer: counting(deps.mailer, 'mailer', calls),
        signUpLimitStore: counting(deps.signUpLimitStore, 'signUpLimitStore', calls),
        afterAnswer: async (work: () => Promise<void>) => void (deferred = work),
      };
      answers.add(JSON.stringify(await subscribe(watched, { email, newsletterId: 'ai-talent', source: 'test', client: '192.0.2.7' })));
      beforeAnswer[state] = [...calls];
      await deferred!();
      afterAnswer[state] = calls.slice(beforeAnswer[state]!.length);
    }
    // The same answer, reached with no call at all: nothing whose duration depends on the state.
    expect(answers.size).toBe(1);
    expect(Object.values(beforeAnswer)).toEqual(Object.keys(states).map(() => []));
    // The work handed over is what differs: only the new address gets mail (the pending and the
    // unsubscribed one signed up moments ago, within the re-send interval).
    expect(
      Object.entries(afterAnswer)
        .filter(([, calls]) => calls.includes('mailer.send'))
        .map(([state]) => state),
    ).toEqual(['new']);
    expect(new Set(Object.values(afterAnswer).map((calls) => calls.join())).size).toBeGreaterThan(2);
    expect(afterAnswer.erased).not.toContain('subscribers.get');
  });
});

describe('subscribe and the log', () => {
  it('never logs an address', async () => {
    const { deps } = setUp();
    await subscribeAndGetConfirmLink(deps, 'private.person@example.com');
    await subscribe(deps, { email: 'private.person@example.com', newsletterId: 'ai-talent', source: 'test' });
    expect(deps.logs.length).toBeGreaterThan(1);
    expect(JSON.stringify(deps.logs)).not.toMatch(/@|private/);
    expect(deps.logs[0]!.fields.subscriber).toBe(subscriberId(deps.tokenKeys.id, 'private.person@example.com'));
  });
});
