import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSignUpLimitStore } from '../../../functions/adapters/dynamodb/sign-up-limit-store.js';
import { DEFAULT_SIGN_UP_LIMITS } from '../../../functions/core/sign-up-limits.js';
import { subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import type { SubscriptionDependencies } from '../../../functions/use-cases/subscriptions/dependencies.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';
import type { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';
import { mailsSince, recipientOf, sentCount, subscriptionDeps, testClock } from '../../support/subscription-fixtures.js';

/**
 * List-bombing: a script signs a stranger up many times, or signs up many strangers from one
 * client. The limits hold in the shared store, on the injected clock; the answer never changes.
 */

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

/** Each test in its own hour, so the hourly total of one does not spend another's. */
let hours = 0;
function setUp(limits = DEFAULT_SIGN_UP_LIMITS) {
  const clock = testClock();
  clock.advance(++hours * 24 * 3600_000);
  const deps = { ...subscriptionDeps(servers, clock), signUpLimitSettings: limits };
  return { clock, deps };
}

/** `count` sign-ups spread over one minute of the fake clock, a few at a time as a script would send them. */
async function burst(
  deps: SubscriptionDependencies,
  clock: VirtualClock,
  count: number,
  request: (i: number) => { email: string; client: string },
): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => request(i + j));
    answers.push(...(await Promise.all(batch.map((r) => subscribe(deps, { ...r, newsletterId: 'ai-talent', source: 'test' })))));
    clock.advance((60_000 * batch.length) / count);
  }
  return answers;
}

describe('sign-up limits', () => {
  it('sends one mailbox at most 3 confirmations an hour, however its address is spelt, from 1,000 sign-ups in a minute', async () => {
    const { deps, clock } = setUp();
    const before = sentCount(servers);
    const answers = await burst(deps, clock, 1000, (i) => ({ email: `${i % 2 ? 'b.o.m.b' : 'Bomb'}+${i}@example.org`, client: `198.51.100.${i % 250}` }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toMatchObject({ ok: true });
    const mails = await mailsSince(servers, before);
    expect(mails).toHaveLength(3);
    expect(mails.every((m) => /^b\.?o\.?m\.?b\+\d+@example\.org$/i.test(recipientOf(m) ?? ''))).toBe(true);
    expect(deps.logs.filter((l) => l.event === 'subscribe.limited' && l.fields.limit === 'mailbox')).toHaveLength(997);

    // The next hour the mailbox may get a confirmation again.
    clock.advance(3600_000);
    const next = sentCount(servers);
    await subscribe(deps, { email: 'bomb+next@example.org', newsletterId: 'ai-talent', source: 'test', client: '198.51.100.1' });
    expect(sentCount(servers)).toBe(next + 1);
  }, 120_000);

  it('lets one client cause at most 10 confirmations an hour, from 1,000 sign-ups of different mailboxes in a minute', async () => {
    const { deps, clock } = setUp();
    const before = sentCount(servers);
    const answers = await burst(deps, clock, 1000, (i) => ({ email: `victim${i}@example.net`, client: '203.0.113.9' }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(sentCount(servers) - before).toBe(10);
    // Another client is not held back by the first one's limit.
    await subscribe(deps, { email: 'someone-else@example.net', newsletterId: 'ai-talent', source: 'test', client: '203.0.113.10' });
    expect(sentCount(servers) - before).toBe(11);
    // Counters are keyed pseudonyms: neither the IP nor an address is stored readable.
    expect(JSON.stringify(deps.logs)).not.toContain('203.0.113');
  }, 120_000);

  it('counts an IPv6 client by its /64, so rotating addresses within it buys no more confirmations', async () => {
    const { deps, clock } = setUp();
    const before = sentCount(servers);
    const hex = (i: number) => i.toString(16);
    const answers = await burst(deps, clock, 200, (i) => ({
      email: `rotated${i}@example.net`,
      client: `2001:db8:1:2:${hex(i)}:${hex(i * 7)}:${hex(i * 13)}:${hex(i + 1)}`,
    }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(sentCount(servers) - before).toBe(10);
    // The next /64 is another client.
    await subscribe(deps, { email: 'neighbour@example.net', newsletterId: 'ai-talent', source: 'test', client: '2001:db8:1:3::1' });
    expect(sentCount(servers) - before).toBe(11);
  }, 120_000);

  it('counts an IPv4-mapped IPv6 address as the IPv4 address it carries', async () => {
    const { deps, clock } = setUp({ ...DEFAULT_SIGN_UP_LIMITS, perClientPerHour: 2 });
    const before = sentCount(servers);
    await burst(deps, clock, 6, (i) => ({ email: `mapped${i}@example.net`, client: ['203.0.113.77', '::ffff:203.0.113.77', '::ffff:cb00:714d'][i % 3]! }));
    expect(sentCount(servers) - before).toBe(2);
  });

  it('holds the limits across instances, since the counters live in the shared store', async () => {
    const { deps, clock } = setUp();
    const other = { ...deps, signUpLimitStore: new DynamoSignUpLimitStore(servers.dynamodb, servers.tableName) };
    const before = sentCount(servers);
    for (let i = 0; i < 10; i++) {
      await subscribe(i % 2 ? deps : other, { email: `shared+${i}@example.com`, newsletterId: 'ai-talent', source: 'test', client: `192.0.2.${i}` });
      clock.advance(1000);
    }
    expect(sentCount(servers) - before).toBe(3);
  });

  it('keeps sign-ups to their share of the SES 24-hour quota, leaving the rest to editions', async () => {
    // 24,000 a day × 5% ÷ 24 hours = 50 confirmations this hour, below the configured 200.
    const { deps, clock } = setUp();
    const withQuota = {
      ...deps,
      mailer: { send: deps.mailer.send.bind(deps.mailer), getSendQuota: async () => ({ maxSendRate: 14, max24HourSend: 24_000, sentLast24Hours: 0 }) },
    };
    const before = sentCount(servers);
    await burst(withQuota, clock, 80, (i) => ({ email: `reader${i}@quota.example`, client: `192.0.2.${i}` }));
    expect(sentCount(servers) - before).toBe(50);
    expect(deps.logs.filter((l) => l.fields.limit === 'hourly-total')).toHaveLength(30);
  });

  it('lets a limited reader sign up again once the limit frees, without waiting out the re-send interval', async () => {
    const { deps, clock } = setUp({ ...DEFAULT_SIGN_UP_LIMITS, perClientPerHour: 1 });
    await subscribe(deps, { email: 'first@example.com', newsletterId: 'ai-talent', source: 'test', client: '192.0.2.200' });
    const before = sentCount(servers);
    await subscribe(deps, { email: 'patient@example.com', newsletterId: 'ai-talent', source: 'test', client: '192.0.2.200' });
    expect(sentCount(servers)).toBe(before);
    clock.advance(3600_000);
    await subscribe(deps, { email: 'patient@example.com', newsletterId: 'ai-talent', source: 'test', client: '192.0.2.200' });
    expect(await mailsSince(servers, before, 'patient@example.com')).toHaveLength(1);
  });
});
