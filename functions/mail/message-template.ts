import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { domainToASCII } from 'node:url';
import type { NewsletterConfig } from '../core/config.js';
import { PLACEHOLDERS, type RenderedEdition } from '../core/edition.js';
import { NewsletterError } from '../core/errors.js';
import { escapeHtml } from '../core/html-escape.js';

/** What changes from one reader to the next. */
export interface Recipient {
  /** The reader's address, already validated. */
  to: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** Left part of the Message-ID; stable per (edition, subscriber) so a duplicate is recognisable. */
  messageKey: string;
}

export interface MessageHeaders {
  from: { name: string; email: string };
  replyTo?: string;
  /** RFC 2919 List-Id, e.g. `ai-talent.example.com`. */
  listId: string;
  date: Date;
}

/** The headers of every message of a newsletter: sender, reply-to, and an RFC 2919 List-Id under the sender's domain. */
export function messageHeadersFor(newsletter: Pick<NewsletterConfig, 'id' | 'from' | 'replyTo'>, date: Date): MessageHeaders {
  return {
    from: newsletter.from,
    ...(newsletter.replyTo ? { replyTo: newsletter.replyTo } : {}),
    listId: `${newsletter.id}.${newsletter.from.email.split('@')[1] ?? 'localhost'}`,
    date,
  };
}

const TO = 'reader@recipient.invalid';
const MESSAGE_ID = '{{message_key}}';

type Context = 'header' | 'plain' | 'html' | 'qp-plain' | 'qp-html';
type Slot = { field: 'unsubscribeUrl' | 'preferencesUrl' | 'messageKey' | 'to'; context: Context };

/**
 * An edition's MIME message, built once with placeholders and personalised per reader by joining
 * pre-split segments with that reader's values. Nothing is re-encoded per reader but the values
 * themselves, which is what makes sending to a long list cheap.
 *
 * @example
 * const template = await MessageTemplate.create(rendered, headers);
 * const raw = template.personalise({ to, unsubscribeUrl, preferencesUrl, messageKey });
 */
export class MessageTemplate {
  private constructor(
    private readonly segments: Buffer[],
    private readonly slots: Slot[],
  ) {}

  static async create(rendered: RenderedEdition, headers: MessageHeaders): Promise<MessageTemplate> {
    const raw = (await buildMime(rendered, headers, { to: TO, unsubscribeUrl: PLACEHOLDERS.unsubscribeUrl, messageKey: MESSAGE_ID })).toString('latin1');
    const tokens: [string, Slot['field']][] = [
      [PLACEHOLDERS.unsubscribeUrl, 'unsubscribeUrl'],
      [PLACEHOLDERS.preferencesUrl, 'preferencesUrl'],
      [MESSAGE_ID, 'messageKey'],
      [TO, 'to'],
    ];
    // A QP encoder may put a soft line break (=CRLF) anywhere inside a token; match that too.
    const pattern = new RegExp(tokens.map(([t]) => [...t].map(escapeRegExp).join('(?:=\\r\\n)?')).join('|'), 'g');
    const segments: Buffer[] = [];
    const slots: Slot[] = [];
    let last = 0;
    for (const match of raw.matchAll(pattern)) {
      const token = match[0].replaceAll('=\r\n', '');
      const field = tokens.find(([t]) => t === token)?.[1];
      if (!field) continue;
      const context = contextAt(raw, match.index);
      // The recipient and message key only belong in headers; the same text in an article stays as written.
      if ((field === 'to' || field === 'messageKey') && context !== 'header') continue;
      segments.push(Buffer.from(raw.slice(last, match.index), 'latin1'));
      slots.push({ field, context });
      last = match.index + match[0].length;
    }
    segments.push(Buffer.from(raw.slice(last), 'latin1'));
    return new MessageTemplate(segments, slots);
  }

  /** The complete message for one reader. */
  personalise(recipient: Recipient): Buffer {
    assertHeaderSafe(recipient);
    const parts: Buffer[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      parts.push(this.segments[i]!);
      const slot = this.slots[i]!;
      const value = slot.field === 'to' ? asciiAddress(recipient.to) : recipient[slot.field];
      parts.push(Buffer.from(encodeFor(slot.context, value), 'latin1'));
    }
    parts.push(this.segments[this.segments.length - 1]!);
    return Buffer.concat(parts);
  }
}

/**
 * Builds one reader's message from scratch with nodemailer's MIME composer: the slow, obviously
 * right path the template is measured against, and its reference in tests.
 */
export async function buildMessage(rendered: RenderedEdition, headers: MessageHeaders, recipient: Recipient): Promise<Buffer> {
  assertHeaderSafe(recipient);
  const fill = (s: string) =>
    s.replaceAll(PLACEHOLDERS.unsubscribeUrl, recipient.unsubscribeUrl).replaceAll(PLACEHOLDERS.preferencesUrl, recipient.preferencesUrl);
  const fillHtml = (s: string) =>
    s
      .replaceAll(PLACEHOLDERS.unsubscribeUrl, escapeHtml(recipient.unsubscribeUrl))
      .replaceAll(PLACEHOLDERS.preferencesUrl, escapeHtml(recipient.preferencesUrl));
  return buildMime({ subject: rendered.subject, html: fillHtml(rendered.html), text: fill(rendered.text) }, headers, {
    to: asciiAddress(recipient.to),
    unsubscribeUrl: recipient.unsubscribeUrl,
    messageKey: recipient.messageKey,
  });
}

async function buildMime(
  rendered: RenderedEdition,
  headers: MessageHeaders,
  reader: { to: string; unsubscribeUrl: string; messageKey: string },
): Promise<Buffer> {
  const fromDomain = asciiDomain(headers.from.email.split('@')[1] ?? 'localhost');
  const composer = new MailComposer({
    from: { name: oneLine(headers.from.name), address: headers.from.email },
    to: reader.to,
    ...(headers.replyTo ? { replyTo: headers.replyTo } : {}),
    subject: subjectLine(rendered.subject),
    // Mail lines end in CRLF (RFC 5322); the composer keeps whatever the text has.
    text: crlf(rendered.text),
    html: crlf(rendered.html),
    date: headers.date,
    messageId: `<${reader.messageKey}@${fromDomain}>`,
    // Quoted-printable keeps placeholders findable; base64 would scatter them.
    textEncoding: 'quoted-printable',
    headers: {
      'List-Unsubscribe': `<${reader.unsubscribeUrl}>`,
      // RFC 8058: mailbox providers may POST here to unsubscribe in one click.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<${oneLine(headers.listId)}>`,
    },
  });
  return new Promise((resolve, reject) => {
    composer.compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
}

/** Which encoding the text at `index` is in: the message headers, or the body of the part it sits in. */
function contextAt(raw: string, index: number): Context {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (index < headerEnd) return 'header';
  const before = raw.slice(0, index);
  const typeAt = before.lastIndexOf('\r\nContent-Type:');
  const encodingAt = before.lastIndexOf('\r\nContent-Transfer-Encoding:');
  const type = raw.slice(typeAt, raw.indexOf('\r\n', typeAt + 2)).toLowerCase();
  const encoding = raw.slice(encodingAt, raw.indexOf('\r\n', encodingAt + 2)).toLowerCase();
  const html = type.includes('text/html');
  if (encoding.includes('base64')) throw new NewsletterError('the edition message came out base64-encoded; it cannot be personalised by template');
  if (encoding.includes('quoted-printable')) return html ? 'qp-html' : 'qp-plain';
  return html ? 'html' : 'plain';
}

function encodeFor(context: Context, value: string): string {
  switch (context) {
    case 'header':
    case 'plain':
      return value;
    case 'html':
      return escapeHtml(value);
    case 'qp-plain':
      return quotedPrintableInline(value);
    case 'qp-html':
      return quotedPrintableInline(escapeHtml(value));
  }
}

/**
 * QP-encodes an ASCII value for insertion mid-line: soft line breaks before and after keep every
 * line under the 76-character limit of RFC 2045 whatever the surrounding line length.
 */
function quotedPrintableInline(value: string): string {
  const encoded = value.replace(/[=\x00-\x1f\x7f-\xff]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const lines: string[] = [];
  let i = 0;
  while (i < encoded.length) {
    let end = Math.min(i + 72, encoded.length);
    // Never split an =XX escape.
    const eq = encoded.lastIndexOf('=', end - 1);
    if (eq > end - 3 && eq >= i && end < encoded.length) end = eq;
    lines.push(encoded.slice(i, end));
    i = end;
  }
  return `=\r\n${lines.join('=\r\n')}=\r\n`;
}

function crlf(value: string): string {
  return value.replace(/\r?\n/g, '\r\n');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The subject as a header: one line, no bidi controls (they reorder what the inbox shows), and the
 * internal recipient placeholder broken with a zero-width space, so an article titled with it is
 * not replaced by each reader's address.
 */
function subjectLine(value: string): string {
  return oneLine(value.replace(/[\u202A-\u202E\u2066-\u2069]/g, '')).replaceAll(TO, TO.replace('@', '@\u200B'));
}

/** Header values never carry a line break: that is how header injection starts. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();
}

function assertHeaderSafe(recipient: Recipient): void {
  for (const [field, value] of Object.entries(recipient)) {
    if (/[\r\n\0<>"\s]/.test(value)) {
      throw new NewsletterError(`recipient ${field} contains characters that are not allowed in a mail header: the subscriber record needs fixing`);
    }
  }
  for (const url of [recipient.unsubscribeUrl, recipient.preferencesUrl]) {
    if (!/^https?:\/\/[\x21-\x7e]+$/.test(url))
      throw new NewsletterError('unsubscribe and preferences links must be absolute http(s) URLs in ASCII: check baseUrl in the config');
  }
}

/** SES takes ASCII headers: an internationalised domain goes out in its punycode form. */
function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  if (at < 1 || /[^\x21-\x7e]/.test(local))
    throw new NewsletterError('recipient address must have an ASCII local part: SES cannot deliver to SMTPUTF8 addresses');
  return `${local}@${asciiDomain(address.slice(at + 1))}`;
}

function asciiDomain(domain: string): string {
  const ascii = domainToASCII(domain);
  if (!ascii) throw new NewsletterError(`"${domain.slice(0, 60)}" is not a valid mail domain`);
  return ascii;
}
