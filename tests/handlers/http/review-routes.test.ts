import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { reviewRoute } from '../../../functions/handlers/http/review-routes.js';
import { START, testNewsletters } from '../../support/subscription-fixtures.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';
import { singleTokenKey } from '../../../functions/core/tokens.js';

const SAFE = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

let servers: TestServers;
let editions: DynamoEditionStore;
beforeAll(async () => {
  servers = await startTestServers();
  await ensureTable(servers.dynamodb, 'review-routes');
  editions = new DynamoEditionStore(servers.dynamodb, 'review-routes');
});
afterAll(async () => servers?.stop());

describe('reviewRoute', () => {
  it('answers a forged link with 400 and the safe headers, and no cache may keep the page', async () => {
    const newsletters = testNewsletters();
    const review = await reviewRoute(
      { newsletters, editions, tokenKeys: singleTokenKey(Buffer.alloc(32, 7)), now: () => START },
      'GET',
      '/approve',
      new URLSearchParams({ edition: 'ai-talent-2026-03-02-00000000', token: 'forged' }),
    );
    expect(review.statusCode).toBe(400);
    expect(review.headers).toMatchObject({ ...SAFE, 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8' });
  });
});
