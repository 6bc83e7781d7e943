import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
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
    expect(ws.servers.services.ses!.messages).toHaveLength(3);
  });
});
