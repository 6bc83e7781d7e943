import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsContext } from '../../functions/handlers/aws-context.js';
import { subscriptionApiHandler } from '../../functions/handlers/subscription-api.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { REPO_ROOT } from '../../infra/handler-entries.js';
import { OWN_TEMPLATES_FOLDER } from '../../infra/own-templates.js';
import { acceptedBatch } from '../support/aws-json-server.js';
import { startLoopbackStack, type LoopbackStack } from '../support/loopback-stack.js';
import { linkIn, mailsSince, sentCount, testClock } from '../support/subscription-fixtures.js';
import { OWN_CONFIRM } from '../support/own-templates.js';

/**
 * The subscription function on AWS words the confirmation with the newsletter's own confirm.mjml:
 * its bundle, laid out as `cdk synth` lays it out (the bundled `templates/` and `own-templates/<name>/`
 * under the task root), and the config as the stack passes it (`templatesDir` naming that folder).
 */
const newsletter = {
  title: 'Brand Weekly',
  language: 'en',
  postalAddress: '1 Example Road, London',
  schedule: { cron: '0 8 * * 1', timeZone: 'Europe/London' },
  sources: [{ type: 'folder', path: 'articles' }],
  baseUrl: 'https://news.example.com',
};
const config = {
  templatesDir: OWN_TEMPLATES_FOLDER,
  newsletters: [
    { ...newsletter, id: 'brand-weekly', template: 'brand', from: { name: 'Brand Weekly', email: 'news@example.com' } },
    { ...newsletter, id: 'plain-weekly', title: 'Plain Weekly', from: { name: 'Plain Weekly', email: 'plain@example.com' } },
  ],
};

let stack: LoopbackStack;
let taskRoot: string;

beforeAll(async () => {
  stack = await startLoopbackStack({ name: 'own-templates', config, onSendBatch: (entries) => acceptedBatch(entries) });
  taskRoot = await mkdtemp(path.join(tmpdir(), 'newsletter-task-root-'));
  await cp(path.join(REPO_ROOT, 'templates'), path.join(taskRoot, 'templates'), { recursive: true, filter: (file) => !file.endsWith('.ts') });
  await mkdir(path.join(taskRoot, OWN_TEMPLATES_FOLDER, 'brand'), { recursive: true });
  await writeFile(path.join(taskRoot, OWN_TEMPLATES_FOLDER, 'brand', 'confirm.mjml'), OWN_CONFIRM);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  if (taskRoot) await rm(taskRoot, { recursive: true, force: true });
});

const subscribe = (email: string, newsletterId: string): HttpApiEvent => ({
  version: '2.0',
  rawPath: '/subscribe',
  rawQueryString: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ email, newsletter: newsletterId }).toString(),
  isBase64Encoded: false,
  requestContext: { http: { method: 'POST', path: '/subscribe', sourceIp: '203.0.113.9' } },
});

const bodyText = (html: string) => (parseHTML(html).document as unknown as Document).body.textContent ?? '';

describe('the subscription function with a newsletter of its own templates', () => {
  it("mails the confirmation worded by the newsletter's own confirm.mjml from its bundle, and the bundled one to another newsletter", async () => {
    const handler = subscriptionApiHandler(() => new AwsContext({ ...process.env, LAMBDA_TASK_ROOT: taskRoot }, undefined, testClock()));
    const before = sentCount(stack.servers);
    expect((await handler(subscribe('reader@example.com', 'brand-weekly'))).statusCode).toBe(200);
    expect((await handler(subscribe('reader@example.com', 'plain-weekly'))).statusCode).toBe(200);
    const [own] = await mailsSince(stack.servers, before, 'reader@example.com');
    const [, bundled] = await mailsSince(stack.servers, before, 'reader@example.com');

    const ownHtml = String(own?.html);
    expect(bodyText(ownHtml)).toContain('Hello from the Brand desk: one click and Brand Weekly is yours.');
    const button = Array.from((parseHTML(ownHtml).document as unknown as Document).querySelectorAll('a')).find((a) =>
      a.textContent?.includes('Yes, send it to me'),
    );
    expect(button?.getAttribute('href')).toBe(linkIn(own!, 'confirm'));
    // The bundled footer, which the own folder does not hold, still carries the postal address.
    expect(bodyText(ownHtml)).toContain('1 Example Road, London');

    expect(bodyText(String(bundled?.html))).not.toContain('Brand desk');
    expect(bodyText(String(bundled?.html))).toContain('Plain Weekly');
  }, 120_000);
});
