import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../../functions/cli/commands/dev.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/**
 * A newsletter with countOpensAndClicks, end to end on this machine: `digest` sends the edition
 * beside a running `newsletter dev`, a reader's client loads the pixel and follows a link through
 * the dev server, and `editions show` prints the counts.
 */
let ws: CliWorkspace;
let dev: DevServer;

beforeAll(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-show-counts-',
    configure: (config) => {
      config.newsletters[0]!.countOpensAndClicks = true;
    },
  });
  expect((await ws.run('subscribers', 'add', 'ann@example.com')).code).toBe(0);
  dev = await startDevServer({ config: ws.config, dataDir: ws.dataDir, port: 0, schedule: false, print: () => {} });
  // An in-process digest does not take the dev server's address from the data dir: the config names it.
  const config = JSON.parse(await readFile(ws.config, 'utf8')) as { newsletters: Record<string, unknown>[] };
  config.newsletters[0]!.baseUrl = dev.baseUrl;
  await writeFile(ws.config, JSON.stringify(config));
}, 60_000);

afterAll(async () => {
  await dev?.close();
  await ws?.stop();
});

describe('editions show with countOpensAndClicks', () => {
  it('prints the opens and clicks the dev server counted for the edition', async () => {
    // An article with a web address, so the edition has a link to click.
    await writeFile(
      path.join(ws.articles, 'chips.md'),
      '---\nurl: https://example.org/chips\n---\n# Chip makers race to build new factories\n\n' +
        'Chip makers announced $50 billion in new factories across three continents this year. Intel said its Ohio ' +
        'plant will open in 2027, two years late. Analysts warn that a shortage of trained engineers may slow the ' +
        'plans more than money.\n',
    );
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const [edition] = JSON.parse((await ws.run('editions', 'list', '--json')).output) as { editionId: string }[];
    const mails = await Promise.all(ws.servers.embedded.ses!.messages.map((m) => simpleParser(m.raw)));
    const html = String(mails.at(-1)!.html);
    const pixel = /<img src="([^"]+)"[^>]*data-open-pixel/u.exec(html)![1]!.replaceAll('&amp;', '&');
    const click = /href="([^"]+\/click\?[^"]+)"/u.exec(html)![1]!.replaceAll('&amp;', '&');
    expect(pixel.startsWith(`${dev.baseUrl}/open?`)).toBe(true);

    expect((await fetch(pixel)).headers.get('content-type')).toBe('image/gif');
    const followed = await fetch(click, { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://example.org/chips');

    const shown = await ws.run('editions', 'show', edition!.editionId);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain('Opens and clicks: 1 opens, 1 clicks (loads and clicks, not distinct readers; no reader is recorded)');
  }, 60_000);
});
