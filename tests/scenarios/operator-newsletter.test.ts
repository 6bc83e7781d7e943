import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../support/cli-workspace.js';

/**
 * An operator's own newsletter (not the bundled sample): no demo reader, no edition wasted on an
 * empty list, their own template, and a config mistake that stops the command.
 */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-operator-',
    configure: (config) => {
      delete config.newsletters[0]!.demo;
    },
  });
});

afterAll(async () => ws?.stop());

describe('newsletter digest on an operator’s own newsletter', () => {
  it('with no confirmed subscriber builds nothing, adds no demo reader, and keeps the articles new', async () => {
    const { code, output } = await ws.run('digest', '--out', ws.out);
    expect(code).toBe(0);
    expect(output).toContain('No confirmed subscriber on ai-talent: no edition built, nothing sent, and the articles stay new for the next run.');
    expect(output).not.toContain('demo subscriber');
    expect(ws.servers.embedded.ses!.messages).toHaveLength(0);
    expect(JSON.parse((await ws.run('editions', 'list', '--json')).output)).toEqual([]);
    expect(JSON.parse((await ws.run('subscribers', 'list', '--json')).output)).toEqual([]);

    // The first real reader gets the articles that were waiting.
    expect((await ws.run('subscribers', 'add', 'first.reader@example.com')).code).toBe(0);
    const second = await ws.run('digest', '--out', ws.out);
    expect(second.code).toBe(0);
    expect(second.output).toContain('Sent 1 message');
    expect(ws.servers.embedded.ses!.messages).toHaveLength(1);
  });
});

describe('a config naming its own template', () => {
  it('renders the preview with that template', async () => {
    const own = path.join(ws.work, 'templates', 'house-style');
    await cp(path.resolve('templates'), own, { recursive: true });
    const digest = await readFile(path.join(own, 'digest.mjml'), 'utf8');
    await writeFile(path.join(own, 'digest.mjml'), digest.replace('{{{articles}}}', '<mj-text>House style edition</mj-text>{{{articles}}}'));
    const config = JSON.parse(await readFile(ws.config, 'utf8')) as { newsletters: Record<string, unknown>[] };
    config.newsletters[0]!.template = 'house-style';
    const file = path.join(ws.work, 'house.config.json');
    await writeFile(file, JSON.stringify(config));
    const out = path.join(ws.work, 'out-house');
    // An article no edition carried yet: the preview is the next edition.
    const articles = path.join(ws.work, 'articles-house');
    await mkdir(articles, { recursive: true });
    await writeFile(path.join(articles, 'house.md'), '# House style arrives\n\nThe newsletter now has its own look. Every edition uses it from today.\n');

    const { code } = await ws.run('--config', file, 'preview', '--out', out, '--articles', articles);
    expect(code).toBe(0);
    const [edition] = await readdir(out);
    expect(await readFile(path.join(out, edition!, 'digest.html'), 'utf8')).toContain('House style edition');
  });
});

describe('a source that fails', () => {
  it('is named with its reason, with no advice about the article folder, and the command exits non-zero', async () => {
    const config = JSON.parse(await readFile(ws.config, 'utf8')) as { newsletters: Record<string, unknown>[] };
    config.newsletters[0]!.sources = [{ type: 'feed', url: 'http://127.0.0.1:9/feed.xml' }];
    const file = path.join(ws.work, 'feed.config.json');
    await writeFile(file, JSON.stringify(config));
    const { code, output } = await ws.run('--config', file, 'preview', '--out', path.join(ws.work, 'out-feed'));
    expect(code).toBe(1);
    expect(output).toMatch(/Skipped .*127\.0\.0\.1:9\/feed\.xml.*: .+/);
    expect(output).toContain('newsletter: no articles: 1 of 1 source did not answer (feed http://127.0.0.1:9/feed.xml), each named above with its reason:');
    expect(output).not.toContain('.txt');
  });
});

describe('newsletter dev with an impossible schedule', () => {
  it('prints the config error and exits non-zero instead of staying up', async () => {
    const config = JSON.parse(await readFile(ws.config, 'utf8')) as { newsletters: Record<string, unknown>[] };
    config.newsletters[0]!.schedule = { cron: '99 99 * * *', timeZone: 'Asia/Taipei' };
    const file = path.join(ws.work, 'bad-cron.config.json');
    await writeFile(file, JSON.stringify(config));
    const child = spawn(process.execPath, ['bin/newsletter.js', '--config', file, '--data-dir', path.join(ws.work, '.dev-data'), 'dev', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('newsletters[0].schedule.cron: is not a valid cron expression (Invalid value for minute: 99)');
    expect(output).not.toContain('Subscription server');
  }, 60_000);
});
