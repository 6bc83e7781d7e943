import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { invitePending } from '../../functions/use-cases/invite-pending.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import { VirtualClock } from '../support/virtual-clock.js';
import { subscriptionDeps, TestClock, testNewsletters } from '../support/subscription-fixtures.js';

/** The invite's pacing, proved on a virtual clock against real dynalite and the local SES server. */
let servers: TestServers;

beforeAll(async () => {
  servers = await startTestServers();
});

afterAll(async () => servers?.stop());

describe('invitePending', () => {
  it('keeps to the send rate: 9 invitations at 2 per second take 4 seconds of clock time', async () => {
    const clock = new VirtualClock();
    const deps = { ...subscriptionDeps(servers, new TestClock()), now: () => clock.now(), clock };
    const newsletter = testNewsletters()[0]!;
    const at = clock.now().toISOString();
    for (let i = 0; i < 9; i++) {
      const email = `pending${i}@example.com`;
      await deps.subscribers.put({ id: subscriberId(deps.tokenKey, email), newsletterId: newsletter.id, email, status: 'pending', createdAt: at, consent: { at, source: 'test' } });
    }
    const started = clock.now().getTime();
    const report = await invitePending(newsletter, deps, { rate: 2 });
    expect(report).toEqual({ invited: 9, recentlyInvited: 0, suppressed: 0, failed: 0 });
    // Slots at 0, 0.5, … 4 s: the ninth waits four seconds, and never less.
    expect(clock.now().getTime() - started).toBeGreaterThanOrEqual(4000);
    expect(clock.now().getTime() - started).toBeLessThan(4500);
  });
});
