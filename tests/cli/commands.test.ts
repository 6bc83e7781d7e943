import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

/**
 * The `newsletter` command's contract as the README states it, driven in-process against real
 * dynalite and aws-ses-v2-local: what each command prints, writes, stores and sends.
 */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-commands-' });
});

afterAll(async () => ws?.stop());

const HEADLINE = '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級';

/** Runs the command, also capturing what commander writes straight to stdout (help). */
async function runCapturingStdout(...args: string[]): Promise<{ code: number; output: string }> {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  try {
    const result = await ws.run(...args);
    return { code: result.code, output: written.join('') + result.output };
  } finally {
    stdout.mockRestore();
  }
}

interface ListedSubscriber {
  email: string;
  name?: string;
  status: string;
}

async function subscribers(status?: string): Promise<ListedSubscriber[]> {
  const { code, output } = await ws.run('subscribers', 'list', '--json', ...(status ? ['--status', status] : []));
  expect(code).toBe(0);
  return (JSON.parse(output) as ListedSubscriber[]).sort((a, b) => a.email.localeCompare(b.email));
}

describe('newsletter preview', () => {
  it('writes the edition to out/<edition>/ and neither stores nor sends anything', async () => {
    const { code, output } = await ws.run('preview', '--out', ws.out);
    expect(code).toBe(0);
    expect(output).toContain(HEADLINE);
    expect(output).toContain('(nothing sent)');
    const [edition, ...others] = await readdir(ws.out);
    expect(others).toEqual([]);
    expect((await readdir(path.join(ws.out, edition!))).sort()).toEqual(['digest.html', 'digest.json', 'digest.txt']);
    expect(await readFile(path.join(ws.out, edition!, 'digest.html'), 'utf8')).toContain(HEADLINE);
    expect(await readFile(path.join(ws.out, edition!, 'digest.txt'), 'utf8')).toContain(HEADLINE);
    expect(JSON.parse(await readFile(path.join(ws.out, edition!, 'digest.json'), 'utf8'))).toMatchObject({ editionId: edition, articles: [{ title: HEADLINE }] });

    expect(ws.servers.services.ses!.messages).toHaveLength(0);
    const editions = await ws.run('editions', 'list', '--json');
    expect(JSON.parse(editions.output)).toEqual([]);
    // Preview adds no demo subscriber either: only `digest` does.
    expect(await subscribers()).toEqual([]);
  });
});

describe('newsletter keypoints', () => {
  it('prints exactly the title and at most --max key points as JSON', async () => {
    const { code, output } = await ws.run('keypoints', path.join(ws.articles, 'ai-talent-article.txt'), '--max', '3', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(output) as { title: string; keyPoints: string[] };
    expect(Object.keys(json)).toEqual(['title', 'keyPoints']);
    expect(json.title).toBe(HEADLINE);
    expect(json.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(json.keyPoints.length).toBeLessThanOrEqual(3);
    for (const point of json.keyPoints) {
      expect(point.trim()).not.toBe('');
      // Cleaned text: no pinyin glosses, no image placeholders.
      expect(point).not.toMatch(/\(guān\)|\(zhàn\)|!\[\]/u);
    }
  });

  it('prints exactly --count key points, even above the number it would choose', async () => {
    const { code, output } = await ws.run('keypoints', path.join(ws.articles, 'ai-talent-article.txt'), '--count', '8', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(output) as { keyPoints: string[] }).keyPoints).toHaveLength(8);
  });

  it('fails with exit code 1 and one line starting "newsletter:" when the article cannot be read', async () => {
    const { code, output } = await ws.run('keypoints', '/nonexistent.txt');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^newsletter: article \/nonexistent\.txt could not be read/);
  });

  it('reads the key points of a page nested 10,000 levels deep', async () => {
    const file = path.join(ws.work, 'deep.html');
    const text = 'The summer ferry timetable starts on 1 June with extra evening sailings on Fridays and Saturdays.';
    await writeFile(file, `<html><head><title>Ferry timetable</title></head><body>${'<div>'.repeat(10_000)}<p>${text}</p>${'</div>'.repeat(10_000)}</body></html>`);
    const { code, output } = await ws.run('keypoints', file, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(output)).toMatchObject({ title: 'Ferry timetable', keyPoints: [text] });
  });

  it.each([
    ['a device that never ends', '/dev/zero', /^newsletter: article \/dev\/zero is not a regular file: give the path of a \.txt, \.md or \.html article$/],
    ['a page of 60,000 elements', 'wide.html', /^newsletter: article \S+wide\.html: the page has more than 50,000 HTML elements/],
  ])('fails with one line, not a stack trace or a hang, on %s', async (_case, name, line) => {
    const file = name.startsWith('/') ? name : path.join(ws.work, name);
    if (!name.startsWith('/')) await writeFile(file, `<html><body>${'<i>x</i>'.repeat(60_000)}</body></html>`);
    const { code, output } = await ws.run('keypoints', file);
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([expect.stringMatching(line)]);
  });
});

describe('newsletter subscribers', () => {
  it('imports a CSV as pending, with names, and reports each invalid row by its line number', async () => {
    const csv = path.join(ws.work, 'people.csv');
    // A blank line and a quoted line break must not shift the line numbers reported.
    await writeFile(csv, ['email,name', 'ann@example.com,Ann Lee', 'not-an-address,Nobody', '', 'bob@example.org,', 'carol@example.net,"Carol', 'from Accounts"', 'x@,Broken'].join('\n'));
    const { code, output } = await ws.run('subscribers', 'import', csv);
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
    const csv = path.join(ws.work, 'opted-in.csv');
    await writeFile(csv, ['email,name', 'dan@example.com,Dan', 'ann@example.com,Ann Lee'].join('\n'));
    const { code, output } = await ws.run('subscribers', 'import', csv, '--confirmed');
    expect(code).toBe(0);
    expect(output).toContain('Imported 1 new, updated 1, unchanged 0, skipped 0 invalid, skipped 0 who left (confirmed).');
    expect((await subscribers('confirmed')).map((s) => [s.email, s.name])).toEqual([
      ['ann@example.com', 'Ann Lee'],
      ['dan@example.com', 'Dan'],
    ]);
  });

  it('lists only the subscribers with the status asked for, under a header, with control characters shown escaped', async () => {
    const { code, output } = await ws.run('subscribers', 'list', '--status', 'pending');
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

describe('newsletter', () => {
  it('fails with exit code 1 and a one-line reason naming an unknown --newsletter', async () => {
    const { code, output } = await ws.run('--newsletter', 'no-such-letter', 'subscribers', 'list');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^newsletter: newsletter "no-such-letter" is not in .*: use one of ai-talent$/);
  });

  it('prints the usage of digest on --help and exits 0', async () => {
    const { code, output } = await runCapturingStdout('digest', '--help');
    expect(code).toBe(0);
    expect(output).toContain('Usage: newsletter digest [options]');
    for (const option of ['--articles <dir>', '--out <dir>', '--dry-run', '--force', '--rate <n>']) expect(output).toContain(option);
    expect(ws.servers.services.ses!.messages).toHaveLength(0);
  });
});
