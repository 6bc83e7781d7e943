import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../functions/cli/main.js';
import { singleTokenKey, verifyToken } from '../../../functions/core/tokens.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import type { TestServers } from '../../support/local-servers.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';

/**
 * The main job end to end through the `newsletter` CLI, against real dynalite and aws-ses-v2-local:
 * what a publisher runs, what readers receive.
 */
let ws: CliWorkspace;
let servers: TestServers;
let work: string;
let dataDir: string;
let articles: string;
let out: string;
let run: CliWorkspace['run'];

/** The first run: the sample article goes to the demo reader, so later runs have an edition behind them. */
async function firstEdition(): Promise<void> {
  expect((await run('digest', '--out', out)).code).toBe(0);
}

/** Two readers added by the operator beside the demo reader, and one who left. */
async function threeConfirmedReaders(): Promise<void> {
  await firstEdition();
  expect((await run('subscribers', 'add', 'ann@example.com')).code).toBe(0);
  expect((await run('subscribers', 'add', 'bob@example.org', '--name', 'Bob')).code).toBe(0);
  expect((await run('subscribers', 'add', 'gone@example.com')).code).toBe(0);
  expect((await run('subscribers', 'remove', 'gone@example.com')).code).toBe(0);
}

async function received(since: number): Promise<ParsedMail[]> {
  return Promise.all(servers.embedded.ses!.messages.slice(since).map((m) => simpleParser(m.raw)));
}

describe('newsletter digest', () => {
  // Each case gets its own workspace (data dir, servers, articles): no case depends on another's runs.
  beforeEach(async () => {
    ws = await createCliWorkspace({ prefix: 'newsletter-cli-' });
    ({ servers, work, dataDir, articles, out, run } = ws);
  });

  afterEach(async () => ws?.stop());

  it('sends the first edition to a demo subscriber and leaves the digest in out/', async () => {
    const { code, output } = await run('digest', '--out', out);
    expect(code).toBe(0);
    expect(output).toContain('added the demo subscriber reader@example.com');
    expect(output).toContain('年薪14.1億');
    expect(output).toMatch(/Sent 1 message \(0 already sent, 0 suppressed, 0 failed/);
    const [edition] = await readdir(out);
    const files = await readdir(path.join(out, edition!));
    expect(files).toEqual(expect.arrayContaining(['digest.html', 'digest.txt', 'digest.json']));
    const html = await readFile(path.join(out, edition!, 'digest.html'), 'utf8');
    expect(html).toContain('lang="zh-Hant"');
    expect(html).not.toMatch(/![[]]\(\)|關注|\(guān\)/);

    const [mail] = await received(0);
    expect(mail!.to && !Array.isArray(mail!.to) && mail!.to.value[0]!.address).toBe('reader@example.com');
    expect(mail!.subject).toContain('年薪14.1億');
    expect(mail!.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail!.html).toContain('年薪14.1億');
    expect(mail!.text).toContain('年薪14.1億');
  });

  it('writes the public copy to out/: no per-reader placeholder, the sign-up link where the personal links were', async () => {
    expect((await run('digest', '--out', out)).code).toBe(0);
    const [edition] = await readdir(out);
    const html = await readFile(path.join(out, edition!, 'digest.html'), 'utf8');
    const text = await readFile(path.join(out, edition!, 'digest.txt'), 'utf8');
    for (const file of [html, text]) {
      expect(file).not.toMatch(/\{\{\s*(unsubscribe|preferences)_url\s*\}\}/);
      expect(file).toContain('/subscribe?newsletter=ai-talent');
    }
    expect(html).toContain('年薪14.1億');
    expect(text).toContain('年薪14.1億');
  });

  it('sends nothing when no article is new, and says so', async () => {
    await firstEdition();
    const before = servers.embedded.ses!.messages.length;
    const { code, output } = await run('digest', '--out', out);
    expect(code).toBe(0);
    expect(output).toMatch(/Nothing new since the last edition/);
    expect(servers.embedded.ses!.messages.length).toBe(before);
  });

  it('sends a new article to every confirmed subscriber, each with their own working unsubscribe link', async () => {
    await threeConfirmedReaders();
    await writeFile(
      path.join(articles, 'english.md'),
      '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
        'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
        'shortage of trained engineers may slow the plans more than money. Governments are offering subsidies worth up ' +
        'to 40% of construction costs.\n',
    );
    const before = servers.embedded.ses!.messages.length;
    const { code, output } = await run('digest', '--out', out);
    expect(code).toBe(0);
    expect(output).toMatch(/Sent 3 messages/);
    const mails = await received(before);
    const recipients = mails.map((m) => (m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : '')).sort();
    expect(recipients).toEqual(['ann@example.com', 'bob@example.org', 'reader@example.com']);

    const key = Buffer.from((await readFile(path.join(dataDir, 'token-key'), 'utf8')).trim(), 'base64');
    const links = new Set<string>();
    for (const mail of mails) {
      expect(mail.subject).toContain('Chip makers race to build new factories');
      const address = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address! : '';
      const header = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
      const url = /<([^>]+)>/.exec(header)![1]!;
      links.add(url);
      expect(mail.html).toContain(`href="${url}"`);
      const token = new URL(url).searchParams.get('token')!;
      // The link works at the time the digest stamped on the message (its Date header).
      expect(mail.date).toBeInstanceOf(Date);
      const check = verifyToken(singleTokenKey(key), token, 'unsubscribe', mail.date!.getTime() / 1000);
      expect(check).toMatchObject({ ok: true, claims: { subscriberId: subscriberId(key, address), newsletterId: 'ai-talent' } });
      expect(url).not.toContain(address.split('@')[0]);
    }
    expect(links.size).toBe(3);
  });

  it('renders without storing or sending on --dry-run, so a later run still sends the article', async () => {
    await threeConfirmedReaders();
    await writeFile(
      path.join(articles, 'dry.md'),
      '# A dry run article\n\nThis article is only previewed. It has a second sentence with a figure of 12 percent. And a third one for good measure.\n',
    );
    const editionsBefore = await run('editions', 'list', '--json');
    const before = servers.embedded.ses!.messages.length;
    const { code, output } = await run('digest', '--dry-run', '--out', out);
    expect(code).toBe(0);
    expect(output).toContain('A dry run article');
    expect(output).toContain('Dry run: nothing stored, nothing sent.');
    expect(servers.embedded.ses!.messages.length).toBe(before);
    const editionsAfter = await run('editions', 'list', '--json');
    expect(JSON.parse(editionsAfter.output)).toEqual(JSON.parse(editionsBefore.output));
    const edition = /^Edition (\S+)$/m.exec(output)?.[1];
    expect(edition).toBeDefined();
    expect(await readFile(path.join(out, edition!, 'digest.html'), 'utf8')).toContain('A dry run article');

    // The dry run recorded nothing as sent: the next real run sends the article to every confirmed subscriber.
    const real = await run('digest', '--out', out);
    expect(real.code).toBe(0);
    expect(real.output).not.toMatch(/Nothing new/);
    expect(real.output).toContain('A dry run article');
    expect(real.output).toMatch(/Sent 3 messages/);
    const mails = await received(before);
    expect(mails).toHaveLength(3);
    for (const mail of mails) expect(mail.subject).toContain('A dry run article');
  });

  it('sends again as a new edition with --force', async () => {
    await threeConfirmedReaders();
    const before = servers.embedded.ses!.messages.length;
    const { code, output } = await run('digest', '--force', '--out', out);
    expect(code).toBe(0);
    expect(output).toMatch(/Sent 3 messages/);
    expect(servers.embedded.ses!.messages.length).toBe(before + 3);
    const list = await run('editions', 'list');
    // Two editions: the first, and this forced one of the same article.
    expect(list.output.split('\n').filter((l) => l.includes('\tsent\t'))).toHaveLength(2);
  });

  it('lists subscribers as JSON', async () => {
    await threeConfirmedReaders();
    const { output } = await run('subscribers', 'list', '--json');
    const list = JSON.parse(output) as { email: string; status: string }[];
    expect(list.find((s) => s.email === 'gone@example.com')?.status).toBe('unsubscribed');
    expect(list.filter((s) => s.status === 'confirmed')).toHaveLength(3);
  });

  it('exits non-zero and names the folder when the article folder is missing, so a scheduled run is noticed', async () => {
    await firstEdition();
    const before = servers.embedded.ses!.messages.length;
    const missing = await run('digest', '--out', out, '--articles', path.join(work, 'no-such-folder'));
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/no-such-folder\/ does not exist: create it/);
    expect(missing.output).toMatch(/newsletter: no articles: 1 of 1 source did not answer \(folder .*no-such-folder\/\)/);
    expect(missing.output).not.toMatch(/Nothing new/);
    expect(servers.embedded.ses!.messages.length).toBe(before);

    // The folder answered and nothing is new: that is no failure.
    expect((await run('digest', '--out', out)).code).toBe(0);
  });

  it('refuses a send rate so low that the edition would never finish, and sends nothing', async () => {
    const before = ws.servers.embedded.ses!.messages.length;
    const { code, output } = await run('digest', '--rate', '1e-300');
    expect(code).toBe(1);
    expect(output).toContain('"1e-300" is below the lowest send rate, 0.1 messages per second (one every 10 s)');
    expect(ws.servers.embedded.ses!.messages.length).toBe(before);
  });

  it('fails with a one-line reason on a bad config', async () => {
    const bad = path.join(work, 'bad.config.json');
    await writeFile(bad, JSON.stringify({ newsletters: [{ id: 'x', title: 'X', language: 'pt' }] }));
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const code = await main(['node', 'newsletter', '--config', bad, 'preview']);
    stderr.mockRestore();
    expect(code).toBe(1);
    // One line per problem: the language, then each missing field with what it is for.
    expect(lines.join('')).toMatch(
      /bad\.config\.json is invalid:\n {2}newsletters\[0\]\.language: "pt" is not supported; use one of zh-Hant, zh-Hans, en, de, fr, es, ja, ko\n/,
    );
    expect(lines.join('')).toContain('\n  newsletters[0].postalAddress: is missing: the postal address printed in every footer');
  });
});

describe('newsletter preview', () => {
  const HEADLINE = '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級';
  // 01:30 UTC on 3 December is 09:30 in Taipei, the sample newsletter's time zone.
  const TODAY = Date.parse('2026-12-03T01:30:00Z');

  // The commands run on a virtual clock: the edition's date is the app's, not the host's.
  beforeEach(async () => {
    ws = await createCliWorkspace({ prefix: 'newsletter-preview-', clock: new VirtualClock(TODAY) });
  });

  afterEach(async () => ws?.stop());

  it('writes the edition to out/<edition>/, dated by the app clock, and neither stores nor sends anything', async () => {
    const { code, output } = await ws.run('preview', '--out', ws.out);
    expect(code).toBe(0);
    expect(output).toContain(HEADLINE);
    expect(output).toContain('(nothing sent)');
    const [edition, ...others] = await readdir(ws.out);
    expect(others).toEqual([]);
    expect(edition).toMatch(/^ai-talent-2026-12-03-[0-9a-f]{8}$/);
    expect((await readdir(path.join(ws.out, edition!))).sort()).toEqual(['digest.html', 'digest.json', 'digest.txt']);
    expect(await readFile(path.join(ws.out, edition!, 'digest.html'), 'utf8')).toContain(HEADLINE);
    expect(await readFile(path.join(ws.out, edition!, 'digest.txt'), 'utf8')).toContain(HEADLINE);
    expect(JSON.parse(await readFile(path.join(ws.out, edition!, 'digest.json'), 'utf8'))).toMatchObject({
      editionId: edition,
      date: '2026-12-03',
      articles: [{ title: HEADLINE }],
    });

    expect(ws.servers.embedded.ses!.messages).toHaveLength(0);
    const editions = await ws.run('editions', 'list', '--json');
    expect(JSON.parse(editions.output)).toEqual([]);
    // Preview adds no demo subscriber either: only `digest` does.
    const listed = await ws.run('subscribers', 'list', '--json');
    expect(JSON.parse(listed.output)).toEqual([]);
  });

  it('shows the next edition: what the digest would send now, leaving out what the last edition carried', async () => {
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const nothing = await ws.run('preview', '--out', path.join(ws.work, 'preview'));
    expect(nothing.code).toBe(0);
    expect(nothing.output).toMatch(/Nothing new since the last edition \(1 article\(s\) already sent\)/);
    expect(nothing.output).not.toContain(HEADLINE);

    await writeFile(
      path.join(ws.articles, 'robots.md'),
      '# Robots learn to fold laundry\n\nA lab in Zurich taught a robot to fold shirts in under a minute. The method ' +
        'uses a small camera and a learned policy.\n',
    );
    const { code, output } = await ws.run('preview', '--out', path.join(ws.work, 'preview'));
    expect(code).toBe(0);
    expect(output).toContain('Robots learn to fold laundry');
    expect(output).not.toContain(HEADLINE);
    expect(output).toContain('(nothing sent)');
    const dry = await ws.run('digest', '--dry-run', '--out', path.join(ws.work, 'dry'));
    expect(dry.output.match(/Edition (\S+)/)?.[1]).toBe(output.match(/Edition (\S+)/)?.[1]);
  });
});
