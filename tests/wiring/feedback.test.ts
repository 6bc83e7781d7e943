import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../functions/core/subscriber.js';
import { handleFeedback } from '../../functions/use-cases/feedback.js';
import { feedbackDependencies } from '../../functions/wiring/feedback.js';
import { useTestServers } from '../support/local-servers.js';
import { confirmedReaders, localPlace } from '../support/wiring-place.js';

const servers = useTestServers();

describe('feedbackDependencies', () => {
  it("suppresses a hard-bounced reader under the id the place's id key gives, so the next edition skips them", async () => {
    const place = await localPlace(servers());
    const [id] = await confirmedReaders(place, ['gone@example.com']);
    const bounce = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', feedbackId: 'f-1', bouncedRecipients: [{ emailAddress: 'Gone <gone@example.com>' }] },
    };

    const outcomes = await handleFeedback(bounce, feedbackDependencies(place, place.tokenKeys.id));

    expect(outcomes).toMatchObject([{ kind: 'suppressed' }]);
    expect(id).toBe(subscriberId(place.idKey, 'gone@example.com'));
    expect(await place.suppressions.isSuppressed(id!)).toBe(true);
  });
});
