import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSendBudget } from '../../../functions/adapters/dynamodb/send-budget-store.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

let servers: TestServers;
let tables = 0;
beforeAll(async () => {
  servers = await startTestServers();
});
afterAll(async () => servers?.stop());

async function budget(): Promise<DynamoSendBudget> {
  const tableName = `budget-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  return new DynamoSendBudget(servers.dynamodb, tableName);
}

describe('DynamoSendBudget', () => {
  it('never grants more than the limit to senders reserving at the same moment', async () => {
    const tally = await budget();
    const now = new Date('2026-12-01T10:00:00Z');
    const grants = await Promise.all(Array.from({ length: 8 }, () => tally.reserve(20, 100, now)));
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(100);
  });

  it("takes back what was not sent, and frees a day's reservations a day later", async () => {
    const tally = await budget();
    const morning = new Date('2026-12-01T08:00:00Z');
    const first = await tally.reserve(100, 100, morning);
    expect(first.granted).toBe(100);
    await tally.giveBack(first, 30);
    expect((await tally.reserve(100, 100, new Date('2026-12-01T09:00:00Z'))).granted).toBe(30);
    expect((await tally.reserve(100, 100, new Date('2026-12-01T20:00:00Z'))).granted).toBe(0);
    // The morning's 70 count until a day and a quarter hour after them; the 30 of 09:00 still count.
    expect((await tally.reserve(100, 100, new Date('2026-12-02T08:30:00Z'))).granted).toBe(70);
  });

  it('says when the window next has room whenever it grants less than was wanted', async () => {
    const tally = await budget();
    const full = await tally.reserve(80, 100, new Date('2026-12-01T08:00:00Z'));
    expect(full).toMatchObject({ granted: 80 });
    expect(full.roomAt).toBeUndefined();
    const short = await tally.reserve(50, 100, new Date('2026-12-01T09:00:00Z'));
    expect(short).toMatchObject({ granted: 20, roomAt: new Date('2026-12-02T08:15:00Z') });
    const none = await tally.reserve(50, 100, new Date('2026-12-01T20:00:00Z'));
    expect(none).toMatchObject({ granted: 0, roomAt: new Date('2026-12-02T08:15:00Z') });
  });
});
