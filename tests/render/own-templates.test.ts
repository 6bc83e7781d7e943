import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenderError } from '../../functions/render/errors.js';
import { renderConfirmation, renderWelcome } from '../../functions/render/render-confirm.js';
import { renderEdition } from '../../functions/render/render-edition.js';
import { sampleEdition } from '../fixtures/sample-editions.js';

/**
 * A newsletter's own template folder words every mail it holds a template for (digest,
 * confirmation, welcome); the files it lacks are the bundled ones. Values stay escaped in one's own
 * templates, and a broken one is named by its path.
 */
const postalAddress = '1 Example Road, London';
const confirmUrl = 'https://news.example.com/confirm?token=abc.def';
const HOSTILE = `<script>alert(1)</script> & "Bob's" <img src=x onerror=alert(2)>`;

/** The bundled confirm.mjml with the publisher's own words around the same values. */
const OWN_CONFIRM = `<mjml lang="{{lang}}">
  {{{head}}}
  <mj-body>
    {{{header}}}
    <mj-section><mj-column>
      <mj-text><p>Hello from the Brand desk! One click and {{newsletter_title}} is yours.</p></mj-text>
      <mj-image src="https://news.example.com/logo.png" alt="{{newsletter_title}}" width="120px" />
      <mj-button href="{{confirm_url}}">Yes, send it to me</mj-button>
    </mj-column></mj-section>
    {{{footer}}}
  </mj-body>
</mjml>`;

let root: string;
let own: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'own-templates-'));
  own = path.join(root, 'brand');
  await mkdir(own, { recursive: true });
  await writeFile(path.join(own, 'confirm.mjml'), OWN_CONFIRM);
});

afterAll(async () => rm(root, { recursive: true, force: true }));

const text = (html: string) => (parseHTML(html).document as unknown as Document).body.textContent ?? '';

async function folderWith(name: string, file: string, content: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), content);
  return dir;
}

describe('own templates', () => {
  it("words the confirmation with the folder's confirm.mjml, around the bundled head, header and footer", async () => {
    const { html } = await renderConfirmation(
      { language: 'en', newsletterTitle: 'Brand Weekly', confirmUrl, postalAddress },
      { templatesDir: own, validationLevel: 'strict' },
    );
    const doc = parseHTML(html).document as unknown as Document;
    expect(text(html)).toContain('Hello from the Brand desk! One click and Brand Weekly is yours.');
    expect(
      Array.from(doc.querySelectorAll('a'))
        .find((a) => a.textContent?.includes('Yes, send it to me'))
        ?.getAttribute('href'),
    ).toBe(confirmUrl);
    // The bundled footer: the postal address is there though the folder has no partials.
    expect(text(html)).toContain(postalAddress);
    expect(text(html)).not.toContain('Confirm subscription');
  });

  it('keeps the bundled welcome and digest where the folder has none', async () => {
    const input = { language: 'en' as const, newsletterTitle: 'Brand Weekly', postalAddress };
    expect((await renderWelcome(input, { templatesDir: own })).html).toBe((await renderWelcome(input)).html);
    expect((await renderEdition(sampleEdition, { templatesDir: own })).html).toBe((await renderEdition(sampleEdition)).html);
  });

  it('escapes a hostile newsletter title in its own confirmation template, in the text and in attributes', async () => {
    const { html } = await renderConfirmation({ language: 'en', newsletterTitle: HOSTILE, confirmUrl, postalAddress }, { templatesDir: own });
    const doc = parseHTML(html).document as unknown as Document;
    expect(doc.querySelectorAll('script')).toHaveLength(0);
    expect(Array.from(doc.querySelectorAll('img')).filter((img) => img.getAttribute('onerror'))).toHaveLength(0);
    // The title reads as the text it is, in the text and in the attribute.
    expect(text(html)).toContain(`One click and ${HOSTILE} is yours.`);
    expect(doc.querySelector('img[src="https://news.example.com/logo.png"]')?.getAttribute('alt')).toBe(HOSTILE);
  });

  it('refuses a template of its own that asks for a value unescaped, naming its file on one line', async () => {
    const dir = await folderWith('raw', 'confirm.mjml', OWN_CONFIRM.replace('{{newsletter_title}}', '{{{newsletter_title}}}'));
    const failure = renderConfirmation({ language: 'en', newsletterTitle: HOSTILE, confirmUrl, postalAddress }, { templatesDir: dir });
    await expect(failure).rejects.toThrow(RenderError);
    const message = ((await failure.catch((e: unknown) => e)) as Error).message;
    expect(message).toBe(`Template ${path.join(dir, 'confirm.mjml')} could not be filled: {{{newsletter_title}}} needs a rendered fragment`);
  });

  it('names the file of a template of its own that MJML cannot compile, on one line', async () => {
    const dir = await folderWith(
      'broken',
      'welcome.mjml',
      '<mjml><mj-body><mj-section><mj-colum><mj-text>{{body}}</mj-text></mj-colum></mj-section></mj-body></mjml>',
    );
    const message = (
      (await renderWelcome({ language: 'en', newsletterTitle: 'Brand Weekly', postalAddress }, { templatesDir: dir }).catch((e: unknown) => e)) as Error
    ).message;
    expect(message.startsWith(`MJML reported problems in ${path.join(dir, 'welcome.mjml')}: `)).toBe(true);
    expect(message).not.toContain('\n');
  });
});
