import { expect } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { signToken, type TokenPurpose } from '../../functions/core/tokens.js';
import { subscribe } from '../../functions/use-cases/subscriptions/subscribe.js';
import { useTestServers } from './local-servers.js';
import { linkIn, mailsSince, sentCount, subscriptionDeps, testClock, testNewsletters } from './subscription-fixtures.js';

/**
 * The steps the subscription use-case tests share: real dynalite and local SES for the file, a
 * fresh clock and dependencies per test, and a reader who has signed up and holds a confirm link.
 * Call once at the top of a test file.
 *
 * @example
 * const { servers, setUp, subscribeAndGetConfirmLink } = useSubscriptionSteps();
 */
export function useSubscriptionSteps() {
  const servers = useTestServers();

  function setUp(newsletters = testNewsletters()) {
    const clock = testClock();
    return { clock, deps: subscriptionDeps(servers(), clock, newsletters) };
  }

  /** Subscribes and returns the confirm link from the message that arrived. */
  async function subscribeAndGetConfirmLink(deps: SubscriptionTestDeps, email: string, newsletterId = 'ai-talent'): Promise<string> {
    const before = sentCount(servers());
    expect(await subscribe(deps, { email, newsletterId, source: 'test' })).toMatchObject({ ok: true });
    const [mail] = await mailsSince(servers(), before, email);
    const link = mail && linkIn(mail, 'confirm');
    expect(link).toBeDefined();
    return link!;
  }

  return { servers, setUp, subscribeAndGetConfirmLink };
}

type SubscriptionTestDeps = ReturnType<typeof subscriptionDeps>;

/** The token of a link the reader received. */
export const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;

/** A link's token for the reader with this address, signed with the deployment's key, as mailed in an edition (no expiry) or, given `expiresAt`, on request. */
export function readerToken(
  deps: SubscriptionTestDeps,
  purpose: TokenPurpose,
  email: string,
  options: { newsletterId?: string; expiresAt?: number } = {},
): string {
  return signToken(deps.tokenKeys.signing, {
    purpose,
    newsletterId: options.newsletterId ?? 'ai-talent',
    subscriberId: subscriberId(deps.tokenKeys.id, email),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  });
}
