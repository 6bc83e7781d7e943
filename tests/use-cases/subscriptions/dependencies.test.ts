import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { subscribe } from '../../../functions/use-cases/subscriptions/subscribe.js';
import { mailsSince, sentCount } from '../../support/subscription-fixtures.js';
import { useSubscriptionSteps } from '../../support/subscription-steps.js';

/**
 * The default log of the subscription use cases: what the local server prints (the Lambda passes
 * its own logger). Real dynalite and local SES; stdout is only read.
 */
const { servers, setUp } = useSubscriptionSteps();
afterEach(() => vi.restoreAllMocks());

describe('defaultLog', () => {
  it('prints one JSON line per event, naming the reader by id and never by address', async () => {
    const { deps } = setUp();
    const { log: _given, ...withDefaultLog } = deps;
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const email = 'default.log.reader@example.com';
    const before = sentCount(servers());

    await subscribe(withDefaultLog, { email, newsletterId: 'ai-talent', source: 'test' });
    vi.restoreAllMocks();

    expect(await mailsSince(servers(), before, email)).toHaveLength(1);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { event: 'subscribe.confirmation-sent', newsletter: 'ai-talent', subscriber: subscriberId(deps.tokenKeys.id, email) },
    ]);
    expect(lines.join('\n')).not.toMatch(/@|default\.log/);
  });
});
