import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../../../functions/cli/commands/dev.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';
import { newsletterInput } from '../../support/newsletters.js';
import { header, mailsSince, recipientOf, sentCount } from '../../support/subscription-fixtures.js';

/**
 * `newsletter dev --stack-twin` end to end, in real time: the dev server with the twin of the deployed
 * stack beside it (fauxqs, the event source, the sender handler), dynalite and the SES front, and
 * `newsletter digest` run through the CLI as in a second terminal. The newsletter has a template
 * folder of its own (a digest.mjml), which the twin's digest function renders with, as on AWS.
 */
const OWN_WORDS = 'Straight from the Brand desk, this week:';
let ws: CliWorkspace;
let dev: DevServer | undefined;

// Each test has its own workspace and data dir: a stack.json one test leaves never reaches another.
beforeEach(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-dev-stack-',
    configure: (config) => {
      (config as Record<string, unknown>).templatesDir = 'my-templates';
      config.newsletters[0]!.template = 'brand';
    },
  });
  const own = path.join(ws.work, 'my-templates', 'brand');
  await mkdir(own, { recursive: true });
  const digest = await readFile('templates/digest.mjml', 'utf8');
  await writeFile(path.join(own, 'digest.mjml'), digest.replace('{{greeting}}', `${OWN_WORDS} {{greeting}}`));
});

afterEach(async () => {
  await dev?.close();
  dev = undefined;
  await ws?.stop();
});

const NEWSLETTER = 'ai-talent';
const READERS = 30;

describe('newsletter dev --stack-twin', { timeout: 180_000 }, () => {
  it('delivers a digest run in another terminal through the queue and sender function, one copy each, with links the dev server verifies', async () => {
    const printed: string[] = [];
    dev = await startDevServer({ config: ws.config, dataDir: ws.dataDir, port: 0, schedule: false, stackTwin: true, print: (line) => printed.push(line) });
    const twin = dev.stack!.twin;
    expect(printed.join('\n')).toContain(`Stack twin: digest function → SQS ${twin.queueUrl} → sender function`);
    expect(existsSync(path.join(ws.dataDir, 'stack.json'))).toBe(true);

    const readers = Array.from({ length: READERS }, (_, i) => `stack.reader${i}@example.com`);
    const at = new Date().toISOString();
    for (const email of readers) {
      await dev.app.subscribers.put({
        id: subscriberId(dev.app.tokenKeys.id, email),
        newsletterId: NEWSLETTER,
        email,
        status: 'confirmed',
        createdAt: at,
        confirmedAt: at,
      });
    }

    // A flag the scheduled digest function does not take is refused, naming it, and sends nothing.
    const refused = await ws.run('digest', '--subject', 'Not through the stack');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("--subject is not taken by the stack's digest function");

    const before = sentCount(ws.servers);
    const digest = await ws.run('digest');
    expect(digest.code).toBe(0);
    expect(digest.output).toContain('Through the stack twin that dev --stack-twin runs');
    expect(digest.output).toMatch(new RegExp(`Digest function: edition \\S+ queued for ${READERS} reader\\(s\\)`));

    // The digest returned once the edition was queued; the twin's poller finds the batches (nothing in
    // this process told it of them) and its senders deliver them. Then the queue goes quiet: no copy
    // is still on its way.
    await vi.waitFor(() => expect(sentCount(ws.servers) - before).toBeGreaterThanOrEqual(READERS), { timeout: 120_000, interval: 200 });
    await twin.settled();
    const mails = await mailsSince(ws.servers, before);
    const copies = new Map<string, number>();
    for (const mail of mails) copies.set(recipientOf(mail)!, (copies.get(recipientOf(mail)!) ?? 0) + 1);
    expect([...copies.keys()].sort()).toEqual([...readers].sort());
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    // The digest function rendered with the newsletter's own digest.mjml, not the bundled one.
    expect(mails.every((m) => String(m.html).includes(OWN_WORDS))).toBe(true);
    // They went through SQS and the sender handler: invocations of the event source, nothing left or dead-lettered.
    expect(twin.stats.invocations).toBeGreaterThanOrEqual(1);
    expect(twin.sendQueue().total).toBe(0);
    expect(twin.deadLettered()).toBe(0);
    const [edition] = await dev.app.editions.list(NEWSLETTER, 1);
    expect(edition?.status).toBe('sent');

    // The sender function signed the link with the key it read from Secrets Manager (the data dir's
    // key, served as SecretBinary): the dev server verifies it and unsubscribes the reader.
    const mail = mails.find((m) => recipientOf(m) === readers[0])!;
    const unsubscribeUrl = /^<([^>]+)>$/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1];
    expect(unsubscribeUrl?.startsWith(`${dev.baseUrl}/unsubscribe?token=`)).toBe(true);
    const oneClick = await fetch(unsubscribeUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect((await dev.app.subscribers.get(NEWSLETTER, subscriberId(dev.app.tokenKeys.id, readers[0]!)))?.status).toBe('unsubscribed');

    await dev.close();
    dev = undefined;
    // Stopped, the twin no longer takes digests: the next one runs in its own process again.
    expect(existsSync(path.join(ws.dataDir, 'stack.json'))).toBe(false);
  });

  it('says which twin did not take the digest, and how to go on, when the dev --stack-twin it found is gone', async () => {
    // A port nothing listens on: the endpoints a stopped twin left behind.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const functionEnv = {
      TABLE_NAME: 'newsletter',
      SEND_QUEUE_URL: `${gone}/000000000000/send`,
      TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:twin-token-key',
      NEWSLETTER_CONFIG: JSON.stringify({
        newsletters: [newsletterInput({ id: NEWSLETTER, sources: [{ type: 'folder', path: ws.articles }], baseUrl: 'http://localhost:1' })],
      }),
    };
    const endpoints = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'twin',
      AWS_SECRET_ACCESS_KEY: 'twin',
      AWS_ENDPOINT_URL_SQS: gone,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: gone,
      AWS_ENDPOINT_URL_DYNAMODB: ws.servers.embedded.endpoints.dynamodb,
    };
    // This process stands for the dev --stack-twin that wrote the file: it is alive.
    await mkdir(ws.dataDir, { recursive: true });
    await writeFile(path.join(ws.dataDir, 'stack.json'), JSON.stringify({ pid: process.pid, endpoints, functionEnv }));
    const before = sentCount(ws.servers);
    const digest = await ws.run('digest');
    expect(digest.code).toBe(1);
    expect(digest.output).toContain(`the stack twin of dev --stack-twin (process ${process.pid}) did not take the digest:`);
    expect(digest.output).toContain('check that dev --stack-twin still runs, or stop it and delete stack.json in the data dir to send in this process');
    expect(sentCount(ws.servers)).toBe(before);
  });
});
