import type { Language } from '../core/config.js';
import type { TemplateWords } from '../../templates/i18n.js';
import { compileMjml } from './compile-mjml.js';
import { fillTemplate, raw, type TemplateValue } from './fill-template.js';
import { addressLines, type PageFooter, type PageHeader } from './page-parts.js';
import { loadTemplateFile, type RenderOptions } from './template-files.js';

/** Page assembly: head, header and footer partials around a page template (digest, confirm, welcome). */

/** Fills head, header and footer partials around a page template and compiles it once. */
export async function renderPage(
  page: {
    template: 'digest.mjml' | 'confirm.mjml' | 'welcome.mjml';
    language: Language;
    words: TemplateWords;
    subject: string;
    preheader: string;
    header: PageHeader;
    footer: PageFooter;
    values: Readonly<Record<string, TemplateValue>>;
  },
  options: RenderOptions,
): Promise<string> {
  const [pageTemplate, head, header, footer] = await Promise.all([
    loadTemplateFile(options, page.template),
    loadTemplateFile(options, 'partials/head.mjml'),
    loadTemplateFile(options, 'partials/header.mjml'),
    loadTemplateFile(options, 'partials/footer.mjml'),
  ]);
  const { words } = page;
  const mjml = fillTemplate(
    pageTemplate.text,
    {
      ...page.values,
      lang: page.language,
      head: raw(fillTemplate(head.text, { subject: page.subject, preheader: page.preheader, font_family: words.fontFamily }, head.name)),
      header: raw(
        fillTemplate(
          header.text,
          {
            newsletter_title: page.header.newsletterTitle,
            date: page.header.date,
            web_url: page.header.webUrl,
            view_online: words.viewOnline,
          },
          header.name,
        ),
      ),
      footer: raw(
        fillTemplate(
          footer.text,
          {
            why_you_get_this: page.footer.whyYouGetThis,
            unsubscribe: page.footer.unsubscribe ? words.unsubscribe : undefined,
            preferences: words.preferences,
            postal_address: addressLines(page.footer.postalAddress).join(', '),
          },
          footer.name,
        ),
      ),
    },
    pageTemplate.name,
  );
  return hidePreheader(await compileMjml(mjml, pageTemplate.name, options.validationLevel ?? 'soft'));
}

/**
 * How the preheader (mj-preview, the body's first div) is hidden. MJML colours it #ffffff on a page
 * SpamAssassin takes as white, which HTML_FONT_LOW_CONTRAST counts as hidden text whatever else
 * hides it. Hidden by display, height, opacity and `mso-hide` instead, it keeps a readable colour.
 */
const PREHEADER_STYLE = 'display:none;mso-hide:all;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;color:#4b5563';

function hidePreheader(html: string): string {
  return html.replace(/(<body[^>]*>\s*<div style=")display:none;[^"]*(")/, (_, start: string, end: string) => `${start}${PREHEADER_STYLE}${end}`);
}
