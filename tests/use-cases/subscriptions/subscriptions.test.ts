import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { MailerError } from '../../../functions/core/errors.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { readerLinks, signToken, tokenKeysFrom, verifyToken } from '../../../functions/core/tokens.js';
import { checkConfirmLink, confirm } from '../../../functions/use-cases/subscriptions/confirm.js';
import { checkUnsubscribeLink, unsubscribe } from '../../../functions/use-cases/subscriptions/unsubscribe.js';
import { CONFIRMATION_RESEND_INTERVAL_MS, subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { erase } from '../../../functions/use-cases/subscriptions/erase.js';
import { getPreferences, updatePreferences } from '../../../functions/use-cases/subscriptions/preferences.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';
import { header, linkIn, mailsSince, recipientOf, sentCount, subscriptionDeps, testClock, testNewsletters } from '../../support/subscription-fixtures.js';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

function setUp(newsletters = testNewsletters()) {
  const clock = testClock();
  return { clock, deps: subscriptionDeps(servers, clock, newsletters) };
}

/**
 * The newsletters with the Chinese one under another id. The tests share one table, so a test that
 * stores an edition uses it: the other tests then still see a newsletter with no edition sent,
 * whatever order they run in.
 */
function withOwnNewsletter(id: string) {
  return testNewsletters().map((n) => (n.id === 'ai-talent' ? { ...n, id } : n));
}

/** Subscribes and returns the confirm link from the message that arrived. */
async function subscribeAndGetConfirmLink(deps: ReturnType<typeof setUp>['deps'], email: string, newsletterId = 'ai-talent'): Promise<string> {
  const before = sentCount(servers);
  expect(await subscribe(deps, { email, newsletterId, source: 'test' })).toMatchObject({ ok: true });
  const [mail] = await mailsSince(servers, before, email);
  const link = mail && linkIn(mail, 'confirm');
  expect(link).toBeDefined();
  return link!;
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

describe('subscribe', () => {
  it('stores a pending subscriber with consent evidence and mails a confirmation link valid for 7 days', async () => {
    const { deps, clock } = setUp();
    const before = sentCount(servers);
    const result = await subscribe(deps, { email: '  Ann@Example.COM ', newsletterId: 'ai-talent', source: 'sign-up page' });
    expect(result).toMatchObject({ ok: true, newsletter: { id: 'ai-talent' } });

    const stored = await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, 'ann@example.com'));
    expect(stored).toMatchObject({
      status: 'pending',
      email: 'Ann@example.com',
      consent: { at: clock.now().toISOString(), source: 'sign-up page' },
      confirmationSentAt: clock.now().toISOString(),
    });

    const mails = await mailsSince(servers, before);
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
    let before = sentCount(servers);
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers)).toBe(before);

    clock.advance(2000);
    before = sentCount(servers);
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers, before, email)).toHaveLength(1);
  });

  it('gives a confirmed address the same answer and sends it nothing', async () => {
    const { deps } = setUp();
    const email = 'known@example.com';
    expect((await confirm(deps, tokenOf(await subscribeAndGetConfirmLink(deps, email)))).ok).toBe(true);
    const before = sentCount(servers);
    const again = await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' });
    const fresh = await subscribe(deps, { email: 'someone-new@example.com', newsletterId: 'ai-talent', source: 'test' });
    expect(again).toEqual(fresh);
    expect(await mailsSince(servers, before, email)).toHaveLength(0);
  });

  it('pretends to succeed on the honeypot, storing and sending nothing', async () => {
    const { deps } = setUp();
    const before = sentCount(servers);
    const result = await subscribe(deps, { email: 'robot@example.com', newsletterId: 'ai-talent', honeypot: 'https://spam.example', source: 'test' });
    expect(result).toMatchObject({ ok: true });
    expect(sentCount(servers)).toBe(before);
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
    const before = sentCount(servers);
    const result = await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid-email' });
    expect(sentCount(servers)).toBe(before);
  });

  it('accepts an internationalised domain and mails it in punycode', async () => {
    const { deps } = setUp();
    const before = sentCount(servers);
    expect(await subscribe(deps, { email: 'reader@例え.jp', newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    const sent = servers.embedded.ses!.messages.slice(before);
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
    const before = sentCount(servers);
    expect(await subscribe(deps, { email: 'bounced@example.com', newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers)).toBe(before);
  });
});

describe('confirm', () => {
  it('checks a confirm link without confirming it or sending anything', async () => {
    const { deps } = setUp();
    const email = 'looked-at@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email);
    const before = sentCount(servers);
    expect(await checkConfirmLink(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: false, newsletter: { id: 'ai-talent' } });
    expect(await checkConfirmLink(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('pending');
    expect(sentCount(servers)).toBe(before);
    expect(await checkConfirmLink(deps, `${tokenOf(link)}x`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('confirms and sends a welcome email when no edition has been sent yet', async () => {
    const { deps } = setUp();
    const email = 'welcome@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email);
    const before = sentCount(servers);
    const result = await confirm(deps, tokenOf(link));
    expect(result).toMatchObject({ ok: true, alreadyConfirmed: false });
    expect((await deps.subscribers.get('ai-talent', subscriberId(deps.tokenKeys.id, email)))?.status).toBe('confirmed');
    const [welcome] = await mailsSince(servers, before, email);
    expect(welcome?.subject).toBe('歡迎訂閱《AI 人才週報》');
    expect(header(welcome!, 'List-Unsubscribe')).toMatch(/^<https:\/\/news\.example\.com\/unsubscribe\?token=/);

    const again = sentCount(servers);
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true, alreadyConfirmed: true });
    expect(sentCount(servers)).toBe(again);
  });

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
    const before = sentCount(servers);
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true });
    const [mail] = await mailsSince(servers, before, email);
    expect(mail?.subject).toBe('AI 人才週報｜Latest edition');
    expect(mail?.text).toMatch(/https:\/\/news\.example\.com\/unsubscribe\?token=/);
    const id = subscriberId(deps.tokenKeys.id, email);
    expect((await deps.ledger.entries(record.editionId, [id])).get(id)?.status).toBe('sent');
  });

  it('sends the welcome email of an English newsletter configured for it', async () => {
    const { deps } = setUp();
    const email = 'english@example.com';
    const link = await subscribeAndGetConfirmLink(deps, email, 'weekly-en');
    const before = sentCount(servers);
    expect(await confirm(deps, tokenOf(link))).toMatchObject({ ok: true, newsletter: { id: 'weekly-en' } });
    const [mail] = await mailsSince(servers, before, email);
    expect(mail?.subject).toBe('Welcome to AI Weekly');
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

describe('preferences and erasure', () => {
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
    const left = JSON.stringify((await documentClient(servers.dynamodb).send(new ScanCommand({ TableName: servers.tableName }))).Items);
    expect(left).toContain(id);
    expect(left).not.toContain(email);
    expect(left).not.toContain(createHash('sha256').update(email).digest('hex').slice(0, 32));

    const before = sentCount(servers);
    expect(await subscribe(deps, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(sentCount(servers)).toBe(before);
    expect(await deps.subscribers.get('ai-talent', id)).toBeUndefined();
    expect(await unsubscribe(deps, unsubscribeToken)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await getPreferences(deps, token)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('never logs an address', async () => {
    const { deps } = setUp();
    await subscribeAndGetConfirmLink(deps, 'private.person@example.com');
    await subscribe(deps, { email: 'private.person@example.com', newsletterId: 'ai-talent', source: 'test' });
    expect(deps.logs.length).toBeGreaterThan(1);
    expect(JSON.stringify(deps.logs)).not.toMatch(/@|private/);
    expect(deps.logs[0]!.fields.subscriber).toBe(subscriberId(deps.tokenKeys.id, 'private.person@example.com'));
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
    const before = sentCount(servers);
    expect(await subscribe(flaky, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers, before, email)).toHaveLength(1);
  });

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
    const before = sentCount(servers);
    expect(await subscribe(throttling, { email, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(calls).toBe(3);
    expect(await mailsSince(servers, before, email)).toHaveLength(1);
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
    await unsubscribe(
      deps,
      signToken(deps.tokenKeys.signing, {
        purpose: 'unsubscribe',
        newsletterId: 'ai-talent',
        subscriberId: subscriberId(deps.tokenKeys.id, states.unsubscribed!),
      }),
    );
    await subscribeAndGetConfirmLink(deps, states.erased!);
    await erase(
      deps,
      signToken(deps.tokenKeys.signing, {
        purpose: 'erase',
        newsletterId: 'ai-talent',
        subscriberId: subscriberId(deps.tokenKeys.id, states.erased!),
        expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + 3600,
      }),
    );

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
    const before = sentCount(servers);
    expect(await subscribe(rotated, { email: bounced, newsletterId: 'ai-talent', source: 'test' })).toMatchObject({ ok: true });
    expect(await mailsSince(servers, before, bounced)).toHaveLength(0);
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
