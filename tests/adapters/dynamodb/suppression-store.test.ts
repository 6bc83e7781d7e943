import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { useTestServers } from '../../support/local-servers.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

const servers = useTestServers();

const at = '2026-11-29T08:00:00.000Z';

describe('DynamoSuppressionStore', () => {
  it('suppresses by id and counts soft bounces', async () => {
    const store = new DynamoSuppressionStore(servers().dynamodb, servers().tableName);
    const id = subscriberId(ID_KEY, 'bounce@example.com');
    expect(await store.isSuppressed(id)).toBe(false);
    expect(await store.recordSoftBounce(id, at)).toBe(1);
    expect(await store.recordSoftBounce(id, at)).toBe(2);
    expect(await store.isSuppressed(id)).toBe(false);
    await store.suppress(id, 'hard bounce', at);
    expect(await store.isSuppressed(id)).toBe(true);
  });
});

describe('DynamoSuppressionStore.suppressedAmong', () => {
  it('answers for a whole page of readers in one go: only the suppressed ones, past the 100-key limit of one read', async () => {
    const store = new DynamoSuppressionStore(servers().dynamodb, servers().tableName);
    const ids = Array.from({ length: 230 }, (_, i) => subscriberId(ID_KEY, `among${i}@example.com`));
    for (const i of [3, 150, 229]) await store.suppress(ids[i]!, 'hard bounce', at);
    // A soft bounce alone is not a suppression.
    await store.recordSoftBounce(ids[4]!, at);
    expect(await store.suppressedAmong(ids)).toEqual(new Set([ids[3], ids[150], ids[229]]));
    expect(await store.suppressedAmong([])).toEqual(new Set());
  });
});
