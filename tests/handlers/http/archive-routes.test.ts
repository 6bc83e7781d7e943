import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { archiveRoute } from '../../../functions/handlers/http/archive-routes.js';
import { START, testNewsletters } from '../../support/subscription-fixtures.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

const SAFE = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

let servers: TestServers;
let editions: DynamoEditionStore;
beforeAll(async () => {
  servers = await startTestServers();
  await ensureTable(servers.dynamodb, 'archive-routes');
  editions = new DynamoEditionStore(servers.dynamodb, 'archive-routes');
});
afterAll(async () => servers?.stop());

describe('archiveRoute', () => {
  it('answers with the safe headers: the public archive with a short shared cache, a refused method with none', async () => {
    const newsletters = testNewsletters();
    const index = await archiveRoute({ newsletters, editions, now: () => START }, 'GET', '/archive', new URLSearchParams());
    expect(index.statusCode).toBe(200);
    expect(index.headers).toMatchObject({ ...SAFE, 'cache-control': 'public, max-age=300', 'content-type': 'text/html; charset=utf-8' });
    const refused = await archiveRoute({ newsletters, editions, now: () => START }, 'POST', '/archive', new URLSearchParams());
    expect(refused.statusCode).toBe(405);
    expect(refused.headers).toMatchObject({ ...SAFE, 'cache-control': 'no-store', allow: 'GET, HEAD' });
  });
});
