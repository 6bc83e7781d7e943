import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { archiveUrlFor } from '../../functions/core/archive.js';
import { buildEditionModel } from '../../functions/core/edition.js';
import { createSubscriptionApi } from '../../functions/handlers/http/subscription-app.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { sendForReview } from '../../functions/use-cases/review-copy.js';
import { useTestServers } from '../support/local-servers.js';
import { START, subscriptionDeps, testClock, testNewsletters } from '../support/subscription-fixtures.js';
import { singleTokenKey } from '../../functions/core/tokens.js';

const servers = useTestServers();

function get(link: string): HttpApiEvent {
  const url = new URL(link);
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { host: url.host },
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: url.pathname, sourceIp: '192.0.2.1' } },
  };
}

describe('sendForReview', () => {
  it("gives the review copy a browser link that opens the draft for the reviewer, while the draft's archive page stays private", async () => {
    const newsletter = { ...testNewsletters()[1]!, approval: 'manual' as const, operators: ['editor@example.com'] };
    const editions = new DynamoEditionStore(servers().dynamodb, servers().tableName);
    const article = {
      id: 'a1',
      title: 'Robots learn to fold laundry',
      keyPoints: ['A lab taught a robot to fold shirts in a minute.'],
      location: 'articles/a.md',
    };
    const built = buildEditionModel({ newsletter, articles: [article], now: START });
    const model = { ...built, webUrl: archiveUrlFor(newsletter.baseUrl, built.editionId) };
    const rendered = await renderEdition(model);
    const edition = {
      newsletterId: newsletter.id,
      editionId: model.editionId,
      status: 'draft' as const,
      createdAt: START.toISOString(),
      subject: model.subject,
      date: model.date,
      articles: [{ id: article.id, title: article.title }],
    };
    await editions.create(edition, rendered);
    const tokenKey = randomBytes(32);
    const clock = testClock();
    const before = servers().embedded.ses!.messages.length;

    await sendForReview(newsletter, { mailer: new SesMailer(servers().ses), clock, tokenKey }, { edition, rendered });

    const [review] = await Promise.all(
      servers()
        .embedded.ses!.messages.slice(before)
        .map((m) => simpleParser(m.raw)),
    );
    const htmlLink = /href="([^"]*\/archive\/[^"]*)"/.exec(String(review!.html))?.[1]?.replaceAll('&amp;', '&');
    const textLink = /View in your browser: (\S+)/.exec(review!.text ?? '')?.[1];
    expect(htmlLink).toBeDefined();
    expect(textLink).toBe(htmlLink);

    const api = createSubscriptionApi({ ...subscriptionDeps(servers(), clock, [newsletter]), editions, tokenKeys: singleTokenKey(tokenKey) });
    const opened = await api(get(htmlLink!));
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('Robots learn to fold laundry');
    expect(opened.body).not.toContain('{{unsubscribe_url}}');
    expect(opened.headers?.['cache-control']).toBe('no-store');

    // Without the reviewer's token the draft is no more public than before.
    expect((await api(get(model.webUrl))).statusCode).toBe(404);
    expect((await api(get(`${model.webUrl}?token=forged`))).statusCode).toBe(404);
  });
});
