import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conditionalWrite, documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { startTestServers, type TestServers } from '../../support/local-servers.js';

let servers: TestServers;
beforeAll(async () => {
  servers = await startTestServers();
  await ensureTable(servers.dynamodb, 'document');
});
afterAll(async () => servers?.stop());

describe('conditionalWrite', () => {
  it('is true when the write lands, false when its condition does not hold, and passes any other failure on', async () => {
    const doc = documentClient(servers.dynamodb);
    const putNew = (table: string) =>
      doc.send(new PutCommand({ TableName: table, Item: { pk: 'a', sk: 'b' }, ConditionExpression: 'attribute_not_exists(pk)' }));
    expect(await conditionalWrite(putNew('document'))).toBe(true);
    expect(await conditionalWrite(putNew('document'))).toBe(false);
    await expect(conditionalWrite(putNew('no-such-table'))).rejects.toThrow(/non-existent table|not found|ResourceNotFound/i);
  });
});
