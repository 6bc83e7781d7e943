import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `editions edit ID`: the draft in $EDITOR as a readable file, read back and stored through editDraft. */
let ws: CliWorkspace;
let editionId: string;
const savedEditor = process.env.EDITOR;

// Each test has its own workspace and its own draft: an edit or approval in one never reaches another.
beforeEach(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-edit-',
    configure: (config) => Object.assign(config.newsletters[0]!, { approval: 'manual', operators: ['editor@example.com'] }),
  });
  expect((await ws.run('subscribers', 'add', 'ann@example.com')).code).toBe(0);
  expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
  editionId = (JSON.parse((await ws.run('editions', 'list', '--json')).output) as { editionId: string }[])[0]!.editionId;
});

afterEach(async () => {
  if (savedEditor === undefined) delete process.env.EDITOR;
  else process.env.EDITOR = savedEditor;
  await ws?.stop();
});

describe('editions edit', () => {
  it('refuses a file with a mistake, naming the line, and stores nothing', async () => {
    const bad = path.join(ws.work, 'bad.md');
    await writeFile(bad, 'Subject: S\nstray words\n');
    const run = await ws.run('editions', 'edit', editionId, '--file', bad);
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      `${bad}, line 2: "stray words" is not a field: write "Subject: …" or "Intro: …", or start an article with "## [id] Title"; nothing was stored`,
    );
    const [draft] = JSON.parse((await ws.run('editions', 'list', '--json')).output) as { edits?: unknown[] }[];
    expect(draft!.edits).toBeUndefined();
  });

  it('opens $EDITOR on the draft, stores what was saved, and the list gets exactly that edition', async () => {
    const printed = (await ws.run('editions', 'edit', editionId, '--print')).output;
    const points = printed.split('\n').filter((l) => l.startsWith('- '));
    expect(points.length).toBeGreaterThanOrEqual(2);
    // An "editor" that changes the subject and deletes the first key point, as a person would.
    const script = path.join(ws.work, 'editor.mjs');
    await writeFile(
      script,
      `import { readFileSync, writeFileSync } from 'node:fs';
const file = process.argv[2];
const lines = readFileSync(file, 'utf8').split('\\n');
const first = lines.findIndex((l) => l.startsWith('- '));
lines.splice(first, 1);
writeFileSync(file, lines.map((l) => (l.startsWith('Subject:') ? 'Subject: 編輯精選' : l)).join('\\n'));
`,
    );
    process.env.EDITOR = `"${process.execPath}" "${script}"`;
    const run = await ws.run('editions', 'edit', editionId);
    expect(run.code).toBe(0);
    expect(run.output).toContain(`Edition ${editionId} edited: 編輯精選`);
    expect(run.output).toContain('removed key point');

    const before = ws.servers.embedded.ses!.messages.length;
    expect((await ws.run('editions', 'approve', editionId)).code).toBe(0);
    const sent = await Promise.all(ws.servers.embedded.ses!.messages.slice(before).map((m) => simpleParser(m.raw)));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('編輯精選');
    expect(sent[0]!.html).not.toContain(points[0]!.slice(2));
    expect(sent[0]!.html).toContain(points[1]!.slice(2));
  });

  it('keeps a draft with a mistake in a new private file each time, never writing through a link planted in the temp folder', async () => {
    const script = path.join(ws.work, 'bad-editor.mjs');
    await writeFile(script, "import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2], 'Subject: S\\nstray words\\n');\n");
    process.env.EDITOR = `"${process.execPath}" "${script}"`;
    // Where a fixed name in the shared temp folder would have gone: a link to someone's file.
    const victim = path.join(ws.work, 'victim.txt');
    await writeFile(victim, 'untouched');
    const planted = path.join(tmpdir(), `newsletter-edit-${editionId}.md`);
    await rm(planted, { force: true });
    await symlink(victim, planted);
    const kept: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const run = await ws.run('editions', 'edit', editionId);
        expect(run.code).toBe(1);
        const file = /(\S+\.md), line 2: "stray words" is not a field/u.exec(run.output)?.[1];
        expect(file).toBeDefined();
        kept.push(file!);
      }
      expect(kept[0]).not.toBe(kept[1]);
      for (const file of kept) expect(await readFile(file, 'utf8')).toBe('Subject: S\nstray words\n');
      expect(await readFile(victim, 'utf8')).toBe('untouched');
    } finally {
      await rm(planted, { force: true });
      for (const file of kept) await rm(path.dirname(file), { recursive: true, force: true });
    }
  });
});
