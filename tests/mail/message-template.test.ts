import { parseHTML } from 'linkedom';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMessage, MessageTemplate, type Recipient } from '../../functions/mail/message-template.js';
import { PLACEHOLDERS } from '../../functions/core/edition.js';

const rendered = {
  subject: 'AI 人才週報｜年薪14.1億，華人AI頂級專家被美高價挖走',
  html:
    `<html><body><p>${'硅谷巨頭用印鈔機式的薪酬包。'.repeat(20)}</p><a href="${PLACEHOLDERS.unsubscribeUrl}">取消訂閱</a> <a ` +
    `href="${PLACEHOLDERS.preferencesUrl}">偏好設定</a></body></html>`,
  text: `硅谷巨頭用印鈔機式的薪酬包。\n\n取消訂閱：${PLACEHOLDERS.unsubscribeUrl}\n偏好設定：${PLACEHOLDERS.preferencesUrl}\n`,
};
const headers = {
  from: { name: 'AI 人才週報', email: 'digest@example.com' },
  replyTo: 'editor@example.com',
  listId: 'ai-talent.example.com',
  date: new Date('2026-11-29T00:00:00Z'),
};

function recipient(n: number): Recipient {
  return {
    to: `reader${n}@example.com`,
    unsubscribeUrl: `http://localhost:3000/unsubscribe?token=v1.u.ai-talent.${String(n).padStart(32, '0')}..sig${n}&x=1`,
    preferencesUrl: `http://localhost:3000/preferences?token=v1.p.ai-talent.${String(n).padStart(32, '0')}..sig${n}`,
    messageKey: `ed.${n}`,
  };
}

describe('MessageTemplate', () => {
  it('gives each reader a message with their own links and headers, as a mail client reads it', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    for (const n of [1, 2]) {
      const r = recipient(n);
      const mail = await simpleParser(template.personalise(r));
      expect(mail.subject).toBe(rendered.subject);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : '').toBe(r.to);
      expect(mail.messageId).toBe(`<ed.${n}@example.com>`);
      const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line;
      expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(header('list-unsubscribe')).toBe(`List-Unsubscribe: <${r.unsubscribeUrl}>`);
      expect(mail.html).toContain(`href="${r.unsubscribeUrl.replace('&', '&amp;')}"`);
      expect(mail.html).toContain(`href="${r.preferencesUrl}"`);
      expect(mail.text).toContain(`取消訂閱：${r.unsubscribeUrl}`);
      expect(mail.html).not.toContain('{{');
      expect(mail.text).not.toContain('{{');
      expect(mail.replyTo?.text).toBe('editor@example.com');
    }
  });

  it('produces the same message as building it from scratch', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    const r = recipient(7);
    const [fast, slow] = await Promise.all([simpleParser(template.personalise(r)), simpleParser(await buildMessage(rendered, headers, r))]);
    expect(fast.html).toBe(slow.html);
    expect(fast.text).toBe(slow.text);
    expect(fast.subject).toBe(slow.subject);
    expect(fast.messageId).toBe(slow.messageId);
  });

  it('keeps every line within the 998-octet limit and quoted-printable lines within 76', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    const raw = template.personalise(recipient(3)).toString('latin1');
    const qpParts = raw.split(/\r\n--/).filter((part) => /Content-Transfer-Encoding: quoted-printable/i.test(part));
    expect(qpParts.length).toBeGreaterThan(0);
    for (const part of qpParts) for (const line of part.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('puts a link with quotes and ampersands into the HTML part as exactly that link', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    const r = { ...recipient(3), unsubscribeUrl: "http://localhost:3000/unsubscribe?token=a'onmouseover='alert(1)&amp;x=1&lt;b" };
    const raw = template.personalise(r);
    const mail = await simpleParser(raw);
    const { document } = parseHTML(String(mail.html));
    const links = Array.from(document.querySelectorAll('a'), (a) => Array.from(a.attributes, (attribute) => `${attribute.name}=${attribute.value}`));
    expect(links).toEqual([[`href=${r.unsubscribeUrl}`], [`href=${r.preferencesUrl}`]]);
    expect((await simpleParser(await buildMessage(rendered, headers, r))).html).toBe(mail.html);
  });

  it('refuses an address or link that would inject a header', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    expect(() => template.personalise({ ...recipient(1), to: 'a@example.com\r\nBcc: victim@example.com' })).toThrow(/not allowed in a mail header/);
    expect(() => template.personalise({ ...recipient(1), unsubscribeUrl: 'javascript:alert(1)' })).toThrow(/http\(s\)/);
  });

  it('keeps a line break in the subject out of the headers', async () => {
    const template = await MessageTemplate.create({ ...rendered, subject: 'Hello\r\nBcc: victim@example.com' }, headers);
    const mail = await simpleParser(template.personalise(recipient(1)));
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe('Hello Bcc: victim@example.com');
  });

  it('sends to an internationalised domain in its ASCII form', async () => {
    const template = await MessageTemplate.create(rendered, headers);
    const raw = template.personalise({ ...recipient(1), to: 'reader@bücher.de' }).toString('latin1');
    expect(raw).toContain('To: reader@xn--bcher-kva.de');
  });
});

describe('MessageTemplate with hostile article text', () => {
  it("never puts the reader's address into the body, even where an article quotes the placeholder address", async () => {
    const hostile = {
      ...rendered,
      text: `${rendered.text}\nwrite to reader@recipient.invalid\n`,
      html: rendered.html.replace('</body>', '<p>reader@recipient.invalid</p></body>'),
    };
    const template = await MessageTemplate.create(hostile, headers);
    const mail = await simpleParser(template.personalise(recipient(5)));
    expect(mail.text).toContain('write to reader@recipient.invalid');
    expect(mail.text).not.toContain('reader5@example.com');
    expect(mail.html).not.toContain('reader5@example.com');
  });

  it("keeps an article title quoting the placeholder address out of the reader's subject", async () => {
    const template = await MessageTemplate.create({ ...rendered, subject: 'News: write to reader@recipient.invalid' }, headers);
    const mail = await simpleParser(template.personalise(recipient(6)));
    expect(mail.subject).not.toContain('reader6@example.com');
    expect(mail.subject?.replaceAll('\u200B', '')).toBe('News: write to reader@recipient.invalid');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : '').toBe('reader6@example.com');
  });

  it('strips bidi override characters from the subject', async () => {
    const template = await MessageTemplate.create({ ...rendered, subject: 'Invoice \u202Egpj.exe\u2066x\u2069' }, headers);
    const mail = await simpleParser(template.personalise(recipient(7)));
    expect(mail.subject).toBe('Invoice gpj.exex');
  });
});
