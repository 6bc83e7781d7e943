import { describe, expect, it } from 'vitest';
import { openPixelUrl } from '../../functions/core/reader-counts.js';
import { useTestServers } from '../support/local-servers.js';
import { confirmedReaders, localDigest, localPlace } from '../support/wiring-place.js';

const servers = useTestServers();

describe('templateOptions', () => {
  it('signs the open pixel of a newsletter that counts opens with the id key, so a link-key rotation never breaks editions already mailed', async () => {
    const place = await localPlace(servers(), { countOpensAndClicks: true });
    const newsletter = place.config.newsletters[0]!;
    await confirmedReaders(place, ['ana@example.com']);

    const { result, editionId, mails } = await localDigest(servers(), place);

    expect(result.status).toBe('sent');
    const [mail] = mails;
    const html = typeof mail?.html === 'string' ? mail.html : '';
    // The place signs new reader links with a separate signing key (see place): the pixel must not use it.
    expect(html).toContain(openPixelUrl(place.idKey, newsletter.baseUrl, newsletter.id, editionId).replaceAll('&', '&amp;'));
    expect(html).not.toContain(openPixelUrl(place.tokenKeys.signing, newsletter.baseUrl, newsletter.id, editionId).replaceAll('&', '&amp;'));
  });
});
