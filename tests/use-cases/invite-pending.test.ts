import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { invitePending } from '../../functions/use-cases/invite-pending.js';
import { subscribe } from '../../functions/use-cases/subscriptions/subscribe.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { sentCount, subscriptionDeps, testClock, testNewsletters } from '../support/subscription-fixtures.js';

/** The invite's pacing, proved on a virtual clock against real dynalite and the local SES server. */
let servers: TestServers;

beforeAll(async () => {
  servers = await startTestServers();
});

afterAll(async () => servers?.stop());

describe('invitePending', () => {
  it('keeps to the send rate: 9 invitations at 2 per second take 4 seconds of clock time', async () => {
    const clock = new VirtualClock();
    const deps = { ...subscriptionDeps(servers, testClock()), now: () => clock.now(), clock };
    // A newsletter of its own, so no other test's pending sign-ups are invited here.
    const newsletter = { ...testNewsletters()[0]!, id: 'invite-rate' };
    const at = clock.now().toISOString();
    for (let i = 0; i < 9; i++) {
      const email = `pending${i}@example.com`;
      await deps.subscribers.put({
        id: subscriberId(deps.tokenKeys.id, email),
        newsletterId: newsletter.id,
        email,
        status: 'pending',
        createdAt: at,
        consent: { at, source: 'test' },
      });
    }
    const started = clock.now().getTime();
    const report = await invitePending(newsletter, deps, { rate: 2 });
    expect(report).toEqual({ invited: 9, recentlyInvited: 0, suppressed: 0, failed: 0, waiting: 0 });
    // Slots at 0, 0.5, … 4 s: the ninth waits four seconds, and never less.
    expect(clock.now().getTime() - started).toBeGreaterThanOrEqual(4000);
    expect(clock.now().getTime() - started).toBeLessThan(4500);
  });

  it('spends the hourly confirmation budget shared with sign-ups: sign-ups plus invitations never exceed it, and the rest wait for the next hour', async () => {
    // 18:55 on its own day's clock and its own newsletter, so no other test's counters or readers count here.
    const clock = testClock();
    clock.advance(10 * 3600_000 + 55 * 60_000);
    const base = subscriptionDeps(servers, clock);
    const deps = {
      ...base,
      signUpLimitSettings: { perMailboxPerHour: 1000, perClientPerHour: 1000, perHour: 5, quotaShare: 1 },
      // An unlimited SES quota leaves the configured total of 5 an hour.
      mailer: { send: base.mailer.send.bind(base.mailer), getSendQuota: async () => ({ maxSendRate: 14, max24HourSend: -1, sentLast24Hours: 0 }) },
    };
    const [signUpList, inviteList] = testNewsletters();
    const at = clock.now().toISOString();
    for (let i = 0; i < 6; i++) {
      const email = `imported${i}@budget.example`;
      await deps.subscribers.put({
        id: subscriberId(deps.tokenKeys.id, email),
        newsletterId: inviteList!.id,
        email,
        status: 'pending',
        createdAt: at,
        consent: { at, source: 'import' },
      });
    }
    const before = sentCount(servers);
    for (let i = 0; i < 2; i++)
      await subscribe(deps, { email: `form${i}@budget.example`, newsletterId: signUpList!.id, source: 'test', client: `192.0.2.${i}` });
    expect(sentCount(servers) - before).toBe(2);

    const first = await invitePending(inviteList!, deps, { rate: 100 });
    expect(first).toEqual({ invited: 3, recentlyInvited: 0, suppressed: 0, failed: 0, waiting: 3 });
    expect(sentCount(servers) - before).toBe(5);
    // The invitations spent the rest of the hour: a sign-up now mails nothing.
    await subscribe(deps, { email: 'late@budget.example', newsletterId: signUpList!.id, source: 'test', client: '192.0.2.99' });
    expect(sentCount(servers) - before).toBe(5);

    // 19:01: a new hour. The three invited six minutes ago are within the re-send window; the three that waited go out.
    clock.advance(6 * 60_000);
    const second = await invitePending(inviteList!, deps, { rate: 100 });
    expect(second).toEqual({ invited: 3, recentlyInvited: 3, suppressed: 0, failed: 0, waiting: 0 });
    expect(sentCount(servers) - before).toBe(8);
  });
});
