import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startDevServer, type DevServer } from '../../functions/cli/commands/dev.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { startTestServers, type TestServers } from './local-servers.js';

/** Debian's Chromium, driven by playwright-core (no browser download); `.ci/run` installs it. */
const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** A describe title that says why its tests were skipped where Chromium is missing. */
export function browserSuite(title: string): string {
  return hasChromium ? title : `${title} (skipped: ${CHROMIUM} is not installed; apt-get install chromium)`;
}

/** Headless Chromium without sandbox, GPU or background traffic: it talks to loopback only. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface DevWorkspace {
  servers: TestServers;
  dev: DevServer;
  /** The temporary folder holding the config, articles, data dir and `out/`. */
  work: string;
  stop(): Promise<void>;
}

/**
 * A `newsletter dev` server on port 0 over fresh embedded servers, in a temporary copy of the
 * repository's config and articles; `configure` may change the first newsletter. The AWS endpoint
 * variables point at the servers until `stop`, which puts the environment back.
 */
export async function startDevWorkspace(options: { prefix: string; configure?: (newsletter: Record<string, unknown>) => void }): Promise<DevWorkspace> {
  const savedEnv = { ...process.env };
  const servers = await startTestServers();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = servers.embedded.endpoints.dynamodb;
  process.env.AWS_ENDPOINT_URL_SES = servers.embedded.endpoints.ses;
  const work = await mkdtemp(path.join(tmpdir(), options.prefix));
  await cp(path.resolve('articles'), path.join(work, 'articles'), { recursive: true });
  const json = JSON.parse(await readFile('newsletter.config.json', 'utf8')) as { newsletters: Record<string, unknown>[] };
  options.configure?.(json.newsletters[0]!);
  const config = path.join(work, 'newsletter.config.json');
  await writeFile(config, JSON.stringify(json));
  const dev = await startDevServer({ config, dataDir: path.join(work, '.newsletter'), port: 0, schedule: false, out: path.join(work, 'out'), print: () => {} });
  return {
    servers,
    dev,
    work,
    async stop() {
      await dev.close();
      process.env = savedEnv;
      await servers.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}

export interface ReviewDesk {
  servers: TestServers;
  dev: DevServer;
  browser: Browser;
}

/**
 * For a browser suite about the editor's review: before its tests, a `newsletter dev` server whose
 * first newsletter (`ai-talent`) waits for review by editor@example.com and has one confirmed
 * reader, ann@example.com, and Chromium; both stopped after. The accessor gives them to each test.
 *
 * @example
 * const desk = useReviewDesk('newsletter-review-browser-');
 * it('…', async () => { const { dev, browser } = desk(); await dev.runSchedule('ai-talent'); });
 */
export function useReviewDesk(prefix: string): () => ReviewDesk {
  let ws: DevWorkspace | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    ws = await startDevWorkspace({ prefix, configure: (n) => Object.assign(n, { approval: 'manual', operators: ['editor@example.com'] }) });
    const { app } = ws.dev;
    const now = new Date().toISOString();
    await app.subscribers.put({
      id: subscriberId(app.tokenKeys.id, 'ann@example.com'),
      newsletterId: 'ai-talent',
      email: 'ann@example.com',
      status: 'confirmed',
      createdAt: now,
      confirmedAt: now,
      consent: { at: now, source: 'test' },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await ws?.stop();
  });
  return () => {
    if (!ws || !browser) throw new Error('the review desk is not started: call useReviewDesk() inside the browser suite');
    return { servers: ws.servers, dev: ws.dev, browser };
  };
}
