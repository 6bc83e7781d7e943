import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDevServer } from '../../../functions/cli/commands/dev.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';
import { mailsSince, sentCount } from '../../support/subscription-fixtures.js';
import { OWN_CONFIRM } from '../../support/own-templates.js';

/** `newsletter dev` with the newsletter's own template folder: its confirmation mail, and a broken one stopping the start. */
let ws: CliWorkspace;
let own: string;

// Each test has its own workspace: one test's config and templates never reach another.
beforeEach(async () => {
  ws = await createCliWorkspace({
    prefix: 'newsletter-dev-templates-',
    configure: (config) => {
      config.newsletters[0]!.template = 'brand';
    },
  });
  // templatesDir defaults to templates/ beside the config file.
  own = path.join(ws.work, 'templates', 'brand');
  await mkdir(own, { recursive: true });
});

afterEach(async () => ws?.stop());

describe('newsletter dev with its own templates', () => {
  it("mails the confirmation in the newsletter's own words; the rest of its mail keeps the bundled templates", async () => {
    await writeFile(path.join(own, 'confirm.mjml'), OWN_CONFIRM);
    const dev = await startDevServer({ config: ws.config, dataDir: ws.dataDir, port: 0, schedule: false, print: () => {} });
    try {
      const before = sentCount(ws.servers);
      const answer = await fetch(`${dev.url}/subscribe`, {
        method: 'POST',
        body: new URLSearchParams({ email: 'brand.reader@example.com', newsletter: 'ai-talent', website: '' }),
      });
      expect(answer.status).toBe(200);
      await dev.signUps.drain();
      const [mail] = await mailsSince(ws.servers, before, 'brand.reader@example.com');
      expect(mail?.html).toContain('Hello from the Brand desk: one click and ');
      expect(mail?.html).toContain(`${dev.baseUrl}/confirm?token=`);
    } finally {
      await dev.close();
    }
  }, 60_000);

  it('refuses to start with a broken template of its own, naming the file on one line', async () => {
    // Another folder: a process reads each template file once.
    const broken = path.join(ws.work, 'templates', 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'confirm.mjml'), OWN_CONFIRM.replace('{{confirm_url}}', '{{confirm_link}}'));
    const config = JSON.parse(await readFile(ws.config, 'utf8')) as { newsletters: { template: string }[] };
    config.newsletters[0]!.template = 'broken';
    await writeFile(ws.config, JSON.stringify(config));
    const failure = await startDevServer({ config: ws.config, dataDir: ws.dataDir, port: 0, schedule: false, print: () => {} }).then(
      async (dev) => {
        await dev.close();
      },
      (error: Error) => error,
    );
    expect(failure?.message).toBe(
      `Template ${path.join(broken, 'confirm.mjml')} could not be filled: {{confirm_link}} has no value; unexpected {{confirm_link}}`,
    );
  }, 60_000);
});
