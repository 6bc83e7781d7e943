import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../functions/adapters/dynamodb/document.js';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { keys } from '../../../functions/adapters/dynamodb/table.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `newsletter editions …` and the digest's report when an interrupted edition is resumed. */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-editions-' });
});

afterAll(async () => ws?.stop());

describe('a resumed edition', () => {
  it('reports every delivery of the edition, not only those of the resuming run', async () => {
    const first = await ws.run('digest', '--out', ws.out);
    expect(first.code).toBe(0);
    const [edition] = JSON.parse((await ws.run('editions', 'list', '--json')).output) as { editionId: string }[];
    // As if the run had been killed: delivered to the demo reader, but the edition never finished.
    await new DynamoEditionStore(ws.servers.dynamodb, ws.servers.tableName).update('ai-talent', edition!.editionId, { status: 'sending', report: undefined });
    for (const email of ['ann@example.com', 'bob@example.com']) expect((await ws.run('subscribers', 'add', email)).code).toBe(0);

    const resumed = await ws.run('digest', '--out', ws.out);
    expect(resumed.code).toBe(0);
    expect(resumed.output).toContain(`Resumed unfinished edition ${edition!.editionId}`);
    expect(resumed.output).toContain('Edition total: 3 delivered (2 by this run, 1 before)');

    const list = await ws.run('editions', 'list');
    expect(list.output).toContain(`${edition!.editionId}\tsent\t3 delivered, 0 failed\t`);
    expect(ws.servers.embedded.ses!.messages).toHaveLength(3);
  });
});

describe('editions resend (local)', () => {
  let own: CliWorkspace;
  beforeAll(async () => {
    own = await createCliWorkspace({ prefix: 'newsletter-resend-' });
  });
  afterAll(async () => own?.stop());

  it('sends a finished edition again to its failed readers only, on the next digest', async () => {
    expect((await own.run('subscribers', 'add', 'ann@example.com')).code).toBe(0);
    expect((await own.run('digest', '--out', own.out)).code).toBe(0);
    const [edition] = JSON.parse((await own.run('editions', 'list', '--json')).output) as { editionId: string; report: Record<string, unknown> }[];
    expect(own.servers.embedded.ses!.messages).toHaveLength(1);
    // As if SES had failed Ann's message after its retries.
    const { subscribers } = await new DynamoSubscriberStore(own.servers.dynamodb, own.servers.tableName).list('ai-talent', { limit: 10 });
    await documentClient(own.servers.dynamodb).send(
      new PutCommand({
        TableName: own.servers.tableName,
        Item: { ...keys.delivery(edition!.editionId, subscribers[0]!.id), status: 'failed', failureReason: 'Throttling' },
      }),
    );
    await new DynamoEditionStore(own.servers.dynamodb, own.servers.tableName).update('ai-talent', edition!.editionId, {
      report: { ...edition!.report, sent: 0, failed: 1 } as never,
    });

    const resend = await own.run('editions', 'resend', edition!.editionId);
    expect(resend).toMatchObject({
      code: 0,
      output:
        `Edition ${edition!.editionId}: its 1 failed delivery goes out again on the next ` +
        `"npx newsletter --config ${own.config} --data-dir ${own.dataDir} digest".`,
    });
    // Not paused (like a quota stop): resume says the next run goes on instead of failing.
    expect((await own.run('editions', 'resume', edition!.editionId)).output).toBe(
      `Edition ${edition!.editionId} is not paused: the next "npx newsletter --config ${own.config} --data-dir ${own.dataDir} digest" goes on with it.`,
    );
    const again = await own.run('digest', '--out', own.out);
    expect(again.output).toContain(`Resumed unfinished edition ${edition!.editionId}`);
    expect(own.servers.embedded.ses!.messages.map((m) => m.destinations)).toEqual([['ann@example.com'], ['ann@example.com']]);
    expect((await own.run('editions', 'list')).output).toContain(`${edition!.editionId}\tsent\t`);
  });
});
