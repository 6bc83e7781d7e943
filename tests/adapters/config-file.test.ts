import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/adapters/config-file.js';

/** The configuration file as an operator writes it: encodings, syntax slips and their own templates. */
let dir: string;
let sample: { newsletters: Record<string, unknown>[] };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'newsletter-config-'));
  sample = JSON.parse(await readFile('newsletter.config.json', 'utf8')) as typeof sample;
});

afterAll(async () => rm(dir, { recursive: true, force: true }));

async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

function withNewsletter(changes: Record<string, unknown>, top: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...sample, ...top, newsletters: [{ ...sample.newsletters[0], ...changes }] }, null, 2);
}

describe('loadConfig', () => {
  it('accepts a file that starts with a UTF-8 byte-order mark', async () => {
    const file = await write('bom.json', `\uFEFF${JSON.stringify(sample)}`);
    const { config } = await loadConfig(file);
    expect(config.newsletters[0]!.id).toBe('ai-talent');
  });

  it('names the line and column of a JSON syntax error', async () => {
    const file = await write('syntax.json', '{\n  "newsletters": [\n    { "id": "x", }\n  ]\n}\n');
    await expect(loadConfig(file)).rejects.toThrow(`config file ${file} is not valid JSON at line 3, column 18: property name expected`);
    const comma = await write('comma.json', '{\n  "a": 1\n  "b": 2\n}');
    await expect(loadConfig(comma)).rejects.toThrow(`config file ${comma} is not valid JSON at line 3, column 3: comma expected`);
  });

  it('uses the bundled templates for "digest"', async () => {
    const file = await write('bundled.json', withNewsletter({ template: 'digest' }));
    const { templateDirs } = await loadConfig(file);
    expect(templateDirs['ai-talent']).toBe(path.resolve('templates'));
  });

  it('refuses a template that does not exist, naming the folder it looked in', async () => {
    const file = await write('missing-template.json', withNewsletter({ template: 'my-brand' }));
    await expect(loadConfig(file)).rejects.toThrow(
      `newsletters[0].template: "my-brand" was not found: there is no ` +
        `folder ${path.join(dir, 'templates', 'my-brand')} with any of digest.mjml, confirm.mjml, welcome.mjml, ` +
        `partials/head.mjml, partials/header.mjml, partials/footer.mjml, partials/article.mjml, ` +
        `partials/key-point.mjml; copy the bundled templates you want to change there and edit them, or use "digest"`,
    );
  });

  it("uses a newsletter's own template folder under templatesDir", async () => {
    const own = path.join(dir, 'brand-templates', 'my-brand');
    await cp(path.resolve('templates'), own, { recursive: true });
    const file = await write('own-template.json', withNewsletter({ template: 'my-brand' }, { templatesDir: 'brand-templates' }));
    const { templateDirs } = await loadConfig(file);
    expect(templateDirs['ai-talent']).toBe(own);
  });

  it('takes a folder holding only some templates: the renderer reads the rest from the bundled folder', async () => {
    await mkdir(path.join(dir, 'templates', 'half'), { recursive: true });
    await writeFile(path.join(dir, 'templates', 'half', 'confirm.mjml'), '<mjml></mjml>');
    const file = await write('half-template.json', withNewsletter({ template: 'half' }));
    const { templateDirs } = await loadConfig(file);
    expect(templateDirs['ai-talent']).toBe(path.join(dir, 'templates', 'half'));
  });
});
