import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { loadOrCreateTokenKey } from '../../../functions/adapters/local/token-key.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `newsletter subscribers invite`: the confirmation mail to whoever was imported as pending. */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-invite-' });
});

afterAll(async () => ws?.stop());

describe('newsletter subscribers invite', () => {
  it('mails each pending, unsuppressed subscriber a confirmation once per re-send window, and reports the counts', async () => {
    const csv = path.join(ws.work, 'old-list.csv');
    await writeFile(csv, 'Email Address,First Name\nann@example.com,Ann\nbob@example.com,Bob\ncarl@example.com,Carl\n');
    expect((await ws.run('subscribers', 'import', csv)).code).toBe(0);
    expect((await ws.run('subscribers', 'add', 'dora@example.com')).code).toBe(0);
    const key = await loadOrCreateTokenKey(ws.dataDir);
    await new DynamoSuppressionStore(ws.servers.dynamodb, ws.servers.tableName).suppress(
      subscriberId(key, 'carl@example.com'),
      'bounce',
      new Date().toISOString(),
    );

    const first = await ws.run('subscribers', 'invite');
    expect(first.code).toBe(0);
    expect(first.output).toContain(
      'Invited 2 pending subscribers (confirmation mail sent); 0 already invited within the re-send window, 1 suppressed, 0 failed.',
    );
    const mails = await Promise.all(ws.servers.embedded.ses!.messages.map((m) => simpleParser(m.raw)));
    expect(mails.map((m) => m.to && !Array.isArray(m.to) && m.to.value[0]!.address).sort()).toEqual(['ann@example.com', 'bob@example.com']);
    expect(mails[0]!.text).toMatch(/\/confirm\?token=\S+/);

    const again = await ws.run('subscribers', 'invite');
    expect(again.output).toContain(
      'Invited 0 pending subscribers (confirmation mail sent); 2 already invited within the re-send window, 1 suppressed, 0 failed.',
    );
    expect(ws.servers.embedded.ses!.messages).toHaveLength(2);
  });
});

describe('newsletter subscribers invite and the hourly confirmation budget', () => {
  it('spends from the same hourly budget as sign-ups and says how many wait for the next hour', async () => {
    // The budget is per clock hour: start the run's clock well inside one (it still moves, at real
    // speed), so a run that happens to straddle an hour on the wall clock cannot refill it midway.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T10:20:00Z'), shouldAdvanceTime: true });
    const small = await createCliWorkspace({ prefix: 'newsletter-invite-budget-', configure: (config) => Object.assign(config, { signUps: { perHour: 2 } }) });
    try {
      const csv = path.join(small.work, 'old-list.csv');
      await writeFile(csv, 'Email\nann@example.com\nbob@example.com\ncarl@example.com\ndora@example.com\neve@example.com\n');
      expect((await small.run('subscribers', 'import', csv)).code).toBe(0);
      const invited = await small.run('subscribers', 'invite');
      expect(invited.code).toBe(0);
      expect(invited.output).toContain(
        'Invited 2 pending subscribers (confirmation mail sent); 0 already invited within the re-send window, 0 suppressed, 0 failed.',
      );
      expect(invited.output).toContain("3 wait for the next hour: this hour's confirmation budget (signUps.perHour, shared with the sign-up form) is spent");
      expect(small.servers.embedded.ses!.messages).toHaveLength(2);
    } finally {
      await small.stop();
      vi.useRealTimers();
    }
  });
});
