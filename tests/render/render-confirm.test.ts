import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { languageSchema, type Language } from '../../functions/core/config.js';
import { PLACEHOLDERS } from '../../functions/core/edition.js';
import { RenderError } from '../../functions/render/errors.js';
import { renderConfirmation, renderEraseConfirmation, renderWelcome } from '../../functions/render/render-confirm.js';

const strict = { validationLevel: 'strict' } as const;
const postalAddress = 'Example Media Ltd., 1 Example Road, Taipei 100, Taiwan';
const confirmUrl = 'https://news.example.com/confirm?token=abc.def&newsletter=ai-talent';

function documentOf(html: string): Document {
  return parseHTML(html).document as unknown as Document;
}

/** The word "button" in each language: the plain-text part has a link, no button to point at. */
const BUTTON: Record<Language, RegExp> = {
  'zh-Hant': /按鈕|按下/u,
  'zh-Hans': /按钮|点击下方/u,
  en: /button/iu,
  de: /schaltfläche|knopf/iu,
  fr: /bouton/iu,
  es: /botón/iu,
  ja: /ボタン/u,
  ko: /버튼/u,
};

describe('renderConfirmation', () => {
  it.each(languageSchema.options)('never mentions a button in the %s plain-text part, which has a link instead', async (language) => {
    const { html, text } = await renderConfirmation({ language, newsletterTitle: 'AI Weekly', confirmUrl, postalAddress }, strict);
    expect(documentOf(html).body.textContent).toMatch(BUTTON[language]);
    expect(text).not.toMatch(BUTTON[language]);
    expect(text).toContain(confirmUrl);
  });

  it('asks to confirm with one button linking to the confirm url', async () => {
    const message = await renderConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', confirmUrl, postalAddress }, strict);
    const doc = documentOf(message.html);
    expect(doc.documentElement.getAttribute('lang')).toBe('en');
    expect(message.subject).toBe('Confirm your subscription to AI Weekly');
    expect(doc.querySelector('title')?.textContent).toBe(message.subject);
    expect(doc.querySelector('h1')?.textContent).toBe('AI Weekly');
    const buttons = Array.from(doc.querySelectorAll('a')).filter((a) => a.textContent?.trim() === 'Confirm subscription');
    expect(buttons).toHaveLength(1);
    expect(buttons[0]?.getAttribute('href')).toBe(confirmUrl);
  });

  it('tells the reader to ignore it if they did not ask, and prints the postal address', async () => {
    const { html, text } = await renderConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', confirmUrl, postalAddress }, strict);
    const body = documentOf(html).body.textContent ?? '';
    expect(body).toContain('If you did not ask to subscribe, ignore this email');
    expect(body).toContain(postalAddress);
    expect(text).toContain(`Confirm subscription: ${confirmUrl}`);
    expect(text).toContain('If you did not ask to subscribe');
    expect(text).toContain(postalAddress);
  });

  it('has no unsubscribe placeholder, because the reader is not subscribed yet', async () => {
    const { html, text } = await renderConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', confirmUrl, postalAddress }, strict);
    expect(html).not.toContain(PLACEHOLDERS.unsubscribeUrl);
    expect(text).not.toContain(PLACEHOLDERS.unsubscribeUrl);
  });

  it.each([
    ['zh-Hant', '確認訂閱', '請確認訂閱《AI 人才週報》'],
    ['zh-Hans', '确认订阅', '请确认订阅《AI 人才週報》'],
  ] as const)('speaks %s', async (language, button, subject) => {
    const message = await renderConfirmation({ language, newsletterTitle: 'AI 人才週報', confirmUrl, postalAddress }, strict);
    const doc = documentOf(message.html);
    expect(doc.documentElement.getAttribute('lang')).toBe(language);
    expect(message.subject).toBe(subject);
    expect(Array.from(doc.querySelectorAll('a')).some((a) => a.textContent?.trim() === button)).toBe(true);
  });

  it('escapes a hostile newsletter title', async () => {
    const newsletterTitle = '<img src=x onerror=alert(1)>{{unsubscribe_url}}';
    const { html } = await renderConfirmation({ language: 'en', newsletterTitle, confirmUrl, postalAddress }, strict);
    const doc = documentOf(html);
    expect(doc.querySelectorAll('img')).toHaveLength(0);
    expect(doc.querySelector('h1')?.textContent).toBe(newsletterTitle);
    expect(html).not.toContain(PLACEHOLDERS.unsubscribeUrl);
  });

  it.each(['javascript:alert(1)', 'mailto:x@example.com', 'not a url'])('refuses the confirm url %j', async (url) => {
    await expect(renderConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', confirmUrl: url, postalAddress }, strict)).rejects.toBeInstanceOf(
      RenderError,
    );
  });
});

describe('renderEraseConfirmation', () => {
  const eraseUrl = 'https://news.example.com/erase?token=abc.def';

  it.each(languageSchema.options)('asks in %s to confirm the erasure with one link, named as a button only where there is one', async (language) => {
    const { html, text } = await renderEraseConfirmation({ language, newsletterTitle: 'AI Weekly', eraseUrl, postalAddress }, strict);
    const doc = documentOf(html);
    expect(doc.documentElement.getAttribute('lang')).toBe(language);
    expect(doc.body.textContent).toMatch(BUTTON[language]);
    expect(text).not.toMatch(BUTTON[language]);
    expect(text).toContain(eraseUrl);
    expect(new Set(Array.from(doc.querySelectorAll('a')).map((a) => a.getAttribute('href')))).toEqual(new Set([eraseUrl]));
  });

  it('says what the link does, how long it works, and that ignoring it keeps the subscription', async () => {
    const message = await renderEraseConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', eraseUrl, postalAddress }, strict);
    expect(message.subject).toBe('Confirm erasing your data from AI Weekly');
    expect(message.text).toContain(`Erase all my data: ${eraseUrl}`);
    const words = message.text.replace(/\s+/g, ' ');
    expect(words).toContain('24 hours');
    expect(words).toContain('your subscription stays as it is');
    expect(message.html).not.toContain(PLACEHOLDERS.unsubscribeUrl);
  });

  it.each(['javascript:alert(1)', 'mailto:x@example.com'])('refuses the erase url %j', async (url) => {
    await expect(renderEraseConfirmation({ language: 'en', newsletterTitle: 'AI Weekly', eraseUrl: url, postalAddress }, strict)).rejects.toBeInstanceOf(
      RenderError,
    );
  });
});

describe('renderWelcome', () => {
  it('welcomes the reader and links to the latest edition when given', async () => {
    const latestEditionUrl = 'https://news.example.com/editions/latest';
    const message = await renderWelcome({ language: 'zh-Hant', newsletterTitle: 'AI 人才週報', latestEditionUrl, postalAddress }, strict);
    const doc = documentOf(message.html);
    expect(doc.documentElement.getAttribute('lang')).toBe('zh-Hant');
    expect(message.subject).toBe('歡迎訂閱《AI 人才週報》');
    expect(doc.querySelector('title')?.textContent).toBe(message.subject);
    expect(doc.querySelector(`a[href="${latestEditionUrl}"]`)?.textContent?.trim()).toBe('閱讀最新一期');
    expect(message.text).toContain(`閱讀最新一期：${latestEditionUrl}`);
  });

  it('leaves out the latest-edition link when there is none or it is unsafe', async () => {
    for (const latestEditionUrl of [undefined, 'javascript:alert(1)']) {
      const { html, text } = await renderWelcome(
        { language: 'en', newsletterTitle: 'AI Weekly', postalAddress, ...(latestEditionUrl ? { latestEditionUrl } : {}) },
        strict,
      );
      expect(documentOf(html).body.textContent).not.toContain('Read the latest edition');
      expect(html).not.toContain('javascript:');
      expect(text).not.toContain('Read the latest edition');
    }
  });

  it('keeps the unsubscribe placeholder and the postal address', async () => {
    const { html, text } = await renderWelcome({ language: 'en', newsletterTitle: 'AI Weekly', postalAddress }, strict);
    const doc = documentOf(html);
    expect(doc.querySelector(`a[href="${PLACEHOLDERS.unsubscribeUrl}"]`)?.textContent).toBe('Unsubscribe');
    expect(doc.querySelector(`a[href="${PLACEHOLDERS.preferencesUrl}"]`)?.textContent).toBe('Manage preferences');
    expect(doc.body.textContent).toContain(postalAddress);
    expect(text).toContain(`Unsubscribe: ${PLACEHOLDERS.unsubscribeUrl}`);
    expect(text).toContain(postalAddress);
  });
});
