import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../../../functions/cli/commands/dev.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import type { TestServers } from '../../support/local-servers.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';
import { header, linkIn, mailsSince, recipientOf, sentCount } from '../../support/subscription-fixtures.js';

/**
 * `newsletter dev` end to end: the real HTTP server in front of the subscription handler, real
 * dynalite and SES, and the digest through the CLI and the local scheduler.
 */
let ws: CliWorkspace;
let servers: TestServers;
let work: string;
let config: string;
let dataDir: string;
let articles: string;
let out: string;
let run: CliWorkspace['run'];

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-dev-' });
  ({ servers, work, config, dataDir, articles, out, run } = ws);
});

afterAll(async () => ws?.stop());

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('newsletter dev', () => {
  it('takes a reader from sign-up through confirmation, a digest and a one-click unsubscribe', async () => {
    // `newsletter digest` takes its links from the config's baseUrl: as with the defaults (3000 in
    // both), the config names the port the dev server listens on.
    const port = await freePort();
    const json = JSON.parse(await readFile(config, 'utf8'));
    json.newsletters[0].baseUrl = `http://localhost:${port}`;
    await writeFile(config, JSON.stringify(json));
    const printed: string[] = [];
    const dev: DevServer = await startDevServer({ config, dataDir, port, schedule: true, out, print: (line) => printed.push(line) });
    try {
      expect(dev.baseUrl).toBe(`http://localhost:${dev.port}`);
      expect(printed.join('\n')).toContain(`Subscription server: ${dev.url}/`);
      expect(printed.join('\n')).toMatch(/Schedule ai-talent: "0 8 \* \* 1" \(Asia\/Taipei\), next run \d{4}-\d{2}-\d{2} 08:00 Asia\/Taipei/);
      // Weekly: the next run is after the instant the scheduler counted from, and within a week of it.
      const [schedule] = dev.schedules;
      expect(schedule!.nextRun!.getTime()).toBeGreaterThan(schedule!.from.getTime());
      expect(schedule!.nextRun!.getTime() - schedule!.from.getTime()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);

      const email = 'new.reader@example.com';
      const page = await fetch(`${dev.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");

      // Subscribe through the form, as a browser without JavaScript would.
      let before = sentCount(servers);
      const subscribed = await fetch(`${dev.url}/subscribe`, { method: 'POST', body: new URLSearchParams({ email, newsletter: 'ai-talent', website: '' }) });
      expect(subscribed.status).toBe(200);
      expect(await subscribed.text()).toContain('請到收件匣確認');
      // The confirmation goes out after the answer; wait for the server's sign-up work.
      await dev.signUps.drain();
      const [confirmation] = await mailsSince(servers, before, email);
      const confirmUrl = linkIn(confirmation!, 'confirm')!;
      expect(confirmUrl.startsWith(`${dev.baseUrl}/confirm?token=`)).toBe(true);

      // The confirm link in the message works, and a welcome follows.
      before = sentCount(servers);
      // A GET (what a mail scanner does) only shows the button; the button's POST confirms.
      expect(await (await fetch(confirmUrl)).text()).toContain('確認訂閱');
      expect((await dev.app.subscribers.get('ai-talent', subscriberId(dev.app.tokenKeys.id, email)))?.status).toBe('pending');
      const confirmed = await fetch(confirmUrl, { method: 'POST' });
      expect(confirmed.status).toBe(200);
      expect(confirmed.headers.get('cache-control')).toBe('no-store');
      expect(await confirmed.text()).toContain('訂閱完成');
      expect((await mailsSince(servers, before, email)).map((m) => m.subject)).toEqual(['歡迎訂閱《AI 人才週報》']);

      expect((await run('subscribers', 'add', 'other@example.com')).code).toBe(0);

      // The next digest reaches the new reader with a one-click unsubscribe header.
      before = sentCount(servers);
      const digest = await run('digest', '--out', out);
      expect(digest.code).toBe(0);
      const [edition] = await mailsSince(servers, before, email);
      expect(edition).toBeDefined();
      expect(header(edition!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const unsubscribeUrl = /^<([^>]+)>$/.exec(header(edition!, 'List-Unsubscribe') ?? '')?.[1];
      expect(unsubscribeUrl?.startsWith(`${dev.baseUrl}/unsubscribe?token=`)).toBe(true);

      // A link scanner's GET changes nothing.
      const scanned = await fetch(unsubscribeUrl!);
      expect(scanned.status).toBe(200);
      expect((await dev.app.subscribers.get('ai-talent', subscriberId(dev.app.tokenKeys.id, email)))?.status).toBe('confirmed');

      // The mailbox provider's RFC 8058 one-click POST unsubscribes at once.
      const oneClick = await fetch(unsubscribeUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(200);
      expect((await dev.app.subscribers.get('ai-talent', subscriberId(dev.app.tokenKeys.id, email)))?.status).toBe('unsubscribed');

      // The following digest (run by the local scheduler's job) does not reach the reader.
      await writeFile(
        path.join(articles, 'chips.md'),
        '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
          'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
          'shortage of trained engineers may slow the plans more than money.\n',
      );
      before = sentCount(servers);
      await dev.runSchedule('ai-talent');
      const following = await mailsSince(servers, before);
      expect(following.map(recipientOf)).toEqual(['other@example.com']);
      expect(following[0]!.subject).toContain('Chip makers race to build new factories');
      expect(printed.join('\n')).toMatch(/Scheduled digest of ai-talent: Sent 1 message/);
    } finally {
      await dev.close();
    }
  });

  it('honours PORT when no --port is given', async () => {
    const port = await freePort();
    process.env.PORT = String(port);
    try {
      const dev = await startDevServer({ config, dataDir, schedule: false, print: () => {} });
      try {
        expect(dev.port).toBe(port);
        expect((await fetch(`http://127.0.0.1:${port}/subscribe`)).status).toBe(200);
      } finally {
        await dev.close();
      }
    } finally {
      delete process.env.PORT;
    }
  });

  it('starts from the command line on embedded servers, prints what it starts, and stops cleanly on SIGTERM', async () => {
    const ownDataDir = path.join(work, 'cli-data');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.AWS_ENDPOINT_URL_DYNAMODB;
    delete env.AWS_ENDPOINT_URL_SES;
    delete env.PORT;
    const child = spawn(process.execPath, ['bin/newsletter.js', '--config', config, '--data-dir', ownDataDir, 'dev', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await vi.waitFor(() => expect(output).toContain('Press Ctrl+C to stop.'), { timeout: 25_000, interval: 100 });
      const url = /Subscription server: (http:\/\/127\.0\.0\.1:(\d+))\//.exec(output)?.[1];
      expect(url).toBeDefined();
      expect(url).not.toMatch(/:0$/);
      expect(output).toMatch(/Schedule ai-talent: "0 8 \* \* 1" \(Asia\/Taipei\), next run/);
      expect(output).toContain(`SES inbox viewer: ${url}/_inbox`);

      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const inbox = await fetch(`${url}/_inbox`, { redirect: 'manual' });
      expect(inbox.status).toBe(302);
      expect((await fetch(inbox.headers.get('location')!)).status).toBe(200);
      expect(existsSync(path.join(ownDataDir, 'servers.json'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
    expect(existsSync(path.join(ownDataDir, 'servers.json'))).toBe(false);
  }, 45_000);
});
