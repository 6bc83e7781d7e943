import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createCheckedApp, STACK_NAME } from '../../infra/create-app.js';
import { REPO_ROOT } from '../../infra/handler-entries.js';
import { SYNTH_TIMEOUT_MS } from './stack-fixture.js';
import { OWN_CONFIRM } from '../support/own-templates.js';

/**
 * A newsletter's own template folder reaches the deployed functions that render: `cdk synth` copies
 * its template files into the digest and subscription API bundles, and refuses a folder that is
 * missing or a template that does not render, naming it on one line.
 */

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A config whose first newsletter uses the template folder `brand` under `my-templates/`, holding `files`. */
function configWithOwnTemplates(files: Record<string, string>): { configFile: string; folder: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'newsletter-own-templates-'));
  roots.push(root);
  const base = JSON.parse(readFileSync(path.join(REPO_ROOT, 'newsletter.config.json'), 'utf8')) as { newsletters: Record<string, unknown>[] };
  const config = { ...base, templatesDir: 'my-templates', newsletters: [{ ...base.newsletters[0], template: 'brand' }, ...base.newsletters.slice(1)] };
  const configFile = path.join(root, 'newsletter.config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const folder = path.join(root, 'my-templates', 'brand');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), text);
  }
  return { configFile, folder };
}

const context = (configFile: string, extra: Record<string, unknown> = {}) => ({ configFile, allowSampleSender: true, ...extra });

interface FunctionResource {
  Type: string;
  Properties: { Code?: { S3Key?: string }; Environment?: { Variables?: Record<string, unknown> } };
}

/** The error a checked synth (templates compiled, nothing bundled) of this config stops with, if any. */
function checkedSynthFailure(configFile: string): Promise<Error | undefined> {
  return createCheckedApp({
    context: context(configFile, { 'aws:cdk:bundling-stacks': [] }),
    outdir: mkdtempSync(path.join(tmpdir(), 'newsletter-cdk-out-')),
  }).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

describe('own templates on AWS', () => {
  describe('a synth with bundling', () => {
    let assemblyDir: string;
    let resources: FunctionResource[];
    const footer = readFileSync(path.join(REPO_ROOT, 'templates/partials/footer.mjml'), 'utf8');

    beforeAll(async () => {
      const { configFile } = configWithOwnTemplates({ 'confirm.mjml': OWN_CONFIRM, 'partials/footer.mjml': footer });
      const outdir = mkdtempSync(path.join(tmpdir(), 'newsletter-cdk-out-'));
      roots.push(outdir);
      // A fixed base URL keeps the functions' NEWSLETTER_CONFIG plain JSON (else the API's address is joined in).
      const { app } = await createCheckedApp({ context: context(configFile, { baseUrl: 'https://news.example.com' }), outdir });
      const assembly = app.synth();
      assemblyDir = assembly.directory;
      const template = assembly.getStackByName(STACK_NAME).template as { Resources: Record<string, FunctionResource> };
      resources = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    }, SYNTH_TIMEOUT_MS);

    /** The bundle folder of the function whose Powertools service name is `name`, as the cloud assembly holds it. */
    function bundleOf(name: string): string {
      const fn = resources.find((r) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name);
      const key = fn?.Properties.Code?.S3Key;
      expect(key, `the ${name} function's code`).toMatch(/^[0-9a-f]{64}\.zip$/);
      return path.join(assemblyDir, `asset.${key!.replace(/\.zip$/, '')}`);
    }

    it.each(['digest', 'subscription-api'])("copies the newsletter's own template files into the %s bundle, beside the bundled templates", (name) => {
      const bundle = bundleOf(name);
      expect(readFileSync(path.join(bundle, 'own-templates/brand/confirm.mjml'), 'utf8')).toBe(OWN_CONFIRM);
      expect(readFileSync(path.join(bundle, 'own-templates/brand/partials/footer.mjml'), 'utf8')).toBe(footer);
      // Only the template files the folder holds: the rest come from the bundled templates.
      expect(readdirSync(path.join(bundle, 'own-templates/brand')).sort()).toEqual(['confirm.mjml', 'partials']);
      expect(existsSync(path.join(bundle, 'templates/confirm.mjml'))).toBe(true);
    });

    it('leaves the own templates out of the sender, which never renders', () => {
      expect(existsSync(path.join(bundleOf('send-batch'), 'own-templates'))).toBe(false);
    });

    it.each(['digest', 'subscription-api'])("tells the %s function that the config's templatesDir is the bundle's own-templates folder", (name) => {
      const fn = resources.find((r) => r.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name);
      const config = JSON.parse(String(fn?.Properties.Environment?.Variables?.NEWSLETTER_CONFIG)) as {
        templatesDir: string;
        newsletters: { template: string }[];
      };
      expect(config.templatesDir).toBe('own-templates');
      expect(config.newsletters[0]!.template).toBe('brand');
    });
  });

  it('fails the synth on a template folder that does not exist, naming it on one line', () => {
    const { configFile, folder } = configWithOwnTemplates({});
    const failure = (() => {
      try {
        createApp({ context: context(configFile, { 'aws:cdk:bundling-stacks': [] }), outdir: mkdtempSync(path.join(tmpdir(), 'newsletter-cdk-out-')) });
        return undefined;
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure?.message).toContain(`newsletters[0].template: "brand" was not found: there is no folder ${folder}`);
    expect(failure?.message).not.toContain('\n');
  });

  it(
    'fails the synth on a template of its own that does not render, naming the file on one line',
    async () => {
      const { configFile, folder } = configWithOwnTemplates({
        'welcome.mjml': '<mjml><mj-body><mj-section><mj-colum><mj-text>{{body}}</mj-text></mj-colum></mj-section></mj-body></mjml>',
      });
      const failure = await checkedSynthFailure(configFile);
      expect(failure?.message).toContain(`MJML reported problems in ${path.join(folder, 'welcome.mjml')}`);
      expect(failure?.message).not.toContain('\n');
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'fails the synth on a digest template of its own that asks for a value that does not exist',
    async () => {
      const digest = readFileSync(path.join(REPO_ROOT, 'templates/digest.mjml'), 'utf8').replace(
        '{{{articles}}}',
        '{{{articles}}}<mj-section><mj-column><mj-text>{{no_such_value}}</mj-text></mj-column></mj-section>',
      );
      const { configFile, folder } = configWithOwnTemplates({ 'digest.mjml': digest });
      const failure = await checkedSynthFailure(configFile);
      expect(failure?.message).toContain(path.join(folder, 'digest.mjml'));
      expect(failure?.message).not.toContain('\n');
    },
    SYNTH_TIMEOUT_MS,
  );
});
