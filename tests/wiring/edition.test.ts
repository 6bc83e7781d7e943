import { describe, expect, it } from 'vitest';
import { verifyToken } from '../../functions/core/tokens.js';
import type { SendQueueMessage } from '../../functions/ports/send-queue.js';
import { enqueueEdition } from '../../functions/use-cases/run-digest.js';
import { fanOutDependencies } from '../../functions/wiring/edition.js';
import { useTestServers } from '../support/local-servers.js';
import { linkIn, mailsSince, recipientOf, sentCount } from '../support/subscription-fixtures.js';
import { confirmedReaders, localDigest, localPlace, sampleArticles } from '../support/wiring-place.js';

const servers = useTestServers();

/** The token in a link (`…?token=…`). */
function tokenOf(link: string | undefined): string {
  return new URL(link ?? 'https://x.invalid/').searchParams.get('token') ?? '';
}

/** Checks a token against the place's signing key alone: new links never carry the id key or an older one. */
function signedWithSigningKey(place: Awaited<ReturnType<typeof localPlace>>, token: string, purpose: Parameters<typeof verifyToken>[2]) {
  return verifyToken({ ...place.tokenKeys, accepted: [] }, token, purpose, Math.floor(place.clock.now().getTime() / 1000));
}

describe('digestDependencies', () => {
  it("sends a local run's edition through the place's SES server to every confirmed reader and records it in the place's table", async () => {
    const place = await localPlace(servers());
    const newsletter = place.config.newsletters[0]!;
    const ids = await confirmedReaders(place, ['ana@example.com', 'ben@example.org']);

    const { result, editionId, mails } = await localDigest(servers(), place);

    expect(result.status).toBe('sent');
    expect(mails.map(recipientOf).sort()).toEqual(['ana@example.com', 'ben@example.org']);
    expect(await place.editions.get(newsletter.id, editionId)).toMatchObject({ status: 'sent', report: { sent: 2 } });
    // The reader's own link: signed with the place's signing key, naming the id its id key gives.
    const ana = mails.find((m) => recipientOf(m) === 'ana@example.com')!;
    expect(signedWithSigningKey(place, tokenOf(linkIn(ana, 'unsubscribe')), 'unsubscribe')).toMatchObject({
      ok: true,
      claims: { subscriberId: ids[0], newsletterId: newsletter.id },
    });
  });
});

describe('fanOutDependencies', () => {
  it('queues every confirmed reader on the queue it is given and mails nobody', async () => {
    const place = await localPlace(servers());
    const newsletter = place.config.newsletters[0]!;
    const ids = await confirmedReaders(place, ['ana@example.com', 'ben@example.org', 'cy@example.net']);
    const queued: SendQueueMessage[] = [];
    const before = sentCount(servers());

    const result = await enqueueEdition(
      newsletter,
      fanOutDependencies(place, newsletter, [await sampleArticles()], { enqueue: async (m) => void queued.push(...m) }),
      {},
    );

    expect(result).toMatchObject({ status: 'queued', queued: 3 });
    expect(queued.flatMap((m) => ('subscriberIds' in m ? m.subscriberIds : [])).sort()).toEqual([...ids].sort());
    expect(sentCount(servers())).toBe(before);
  });

  it('mails the draft of a newsletter with manual approval to its operators, with signed approve links, and queues no reader', async () => {
    const place = await localPlace(servers(), { approval: 'manual', operators: ['editor@example.com'] });
    const newsletter = place.config.newsletters[0]!;
    await confirmedReaders(place, ['ana@example.com']);
    const queued: SendQueueMessage[] = [];
    const before = sentCount(servers());

    const result = await enqueueEdition(
      newsletter,
      fanOutDependencies(place, newsletter, [await sampleArticles()], { enqueue: async (m) => void queued.push(...m) }),
      {},
    );

    expect(result).toMatchObject({ status: 'draft', reviewSent: 1 });
    expect(queued).toEqual([]);
    const [review] = await mailsSince(servers(), before);
    expect(recipientOf(review!)).toBe('editor@example.com');
    const approveLink = /https?:\/\/[^\s"<>]+\/approve\?[^\s"<>]+/u.exec(review!.text ?? '')?.[0];
    expect(signedWithSigningKey(place, tokenOf(approveLink), 'approve')).toMatchObject({ ok: true, claims: { newsletterId: newsletter.id } });
  });
});
