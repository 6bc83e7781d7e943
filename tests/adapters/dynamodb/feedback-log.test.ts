import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoFeedbackLog, FEEDBACK_RECORD_DAYS } from '../../../functions/adapters/dynamodb/feedback-log.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { useTestServers } from '../../support/local-servers.js';

const servers = useTestServers();

const at = '2026-11-29T08:00:00.000Z';

describe('DynamoFeedbackLog', () => {
  it('claims an SES feedback id once, and records when it may be forgotten', async () => {
    const log = new DynamoFeedbackLog(servers().dynamodb, servers().tableName);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(true);
    expect(await log.claim('0100-msg#0100-feedback', at)).toBe(false);
    expect(await log.claim('0100-msg#0100-other', at)).toBe(true);
    const key = keys.feedback('0100-msg#0100-feedback');
    const { Item } = await servers().dynamodb.send(new GetItemCommand({ TableName: servers().tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    expect(Number(Item!.expiresAt!.N)).toBe(Date.parse(at) / 1000 + FEEDBACK_RECORD_DAYS * 86400);
  });
});
