import { describe, expect, it } from 'vitest';
import { openPixelUrl } from '../../functions/core/reader-counts.js';
import { runDigest } from '../../functions/use-cases/run-digest.js';
import { localDeliveryOptions } from '../../functions/wiring/delivery.js';
import { digestDependencies } from '../../functions/wiring/edition.js';
import { useTestServers } from '../support/local-servers.js';
import { mailsSince, sentCount } from '../support/subscription-fixtures.js';
import { confirmedReaders, localPlace, sampleArticles } from '../support/wiring-place.js';

const servers = useTestServers();

describe('templateOptions', () => {
  it('signs the open pixel of a newsletter that counts opens with the id key, so a link-key rotation never breaks editions already mailed', async () => {
    const place = await localPlace(servers(), { countOpensAndClicks: true });
    const newsletter = place.config.newsletters[0]!;
    await confirmedReaders(place, ['ana@example.com']);
    const before = sentCount(servers());

    const result = await runDigest(
      newsletter,
      digestDependencies(place, newsletter, [await sampleArticles()], 'wiring-test'),
      localDeliveryOptions(place.config),
    );

    expect(result.status).toBe('sent');
    const editionId = result.status === 'sent' ? result.edition.editionId : '';
    const [mail] = await mailsSince(servers(), before);
    const html = typeof mail?.html === 'string' ? mail.html : '';
    // The place signs new reader links with a separate signing key (see place): the pixel must not use it.
    expect(html).toContain(openPixelUrl(place.idKey, newsletter.baseUrl, newsletter.id, editionId).replaceAll('&', '&amp;'));
    expect(html).not.toContain(openPixelUrl(place.tokenKeys.signing, newsletter.baseUrl, newsletter.id, editionId).replaceAll('&', '&amp;'));
  });
});
