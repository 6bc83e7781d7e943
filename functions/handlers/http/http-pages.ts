import { createHash } from 'node:crypto';
import type { Language } from '../../core/config.js';
import { escapeHtml } from '../../core/html-escape.js';
import { pageWordsFor, type PageWords } from '../../../templates/i18n.js';
import { ARCHIVE_WORDS } from '../../../templates/archive-words.js';

/**
 * The HTML pages of the subscription API: small, accessible, readable on a phone, and without
 * JavaScript. Every value from outside goes through escapeHtml; the one stylesheet is inline and
 * allowed by its hash, so the content security policy needs no 'unsafe-inline'.
 */

const CSS =
  `*{box-sizing:border-box}
:root{color-scheme:light dark}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;background:#f3f4f6;color:#1f2937;font:17px/1.6 ` +
  `-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;display:flex;align-items:flex-start;` +
  `justify-content:center;padding:32px 16px}
:lang(zh-Hant) body,body:lang(zh-Hant){font-family:"PingFang TC","Noto Sans CJK TC","Noto Sans TC","Microsoft JhengHei",sans-serif}
:lang(zh-Hans) body,body:lang(zh-Hans){font-family:"PingFang SC","Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif}
main{width:100%;max-width:520px;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08),0 8px 24px rgba(0,0,0,.06);padding:28px 24px}
.brand{margin:0 0 4px;font-size:15px;font-weight:600;color:#0b57d0;letter-spacing:.02em}
h1{margin:0 0 12px;font-size:26px;line-height:1.3}
h2{margin:28px 0 8px;font-size:19px}
p{margin:0 0 16px}
.muted{color:#4b5563;font-size:15px}
label{display:block;font-weight:600;margin:0 0 6px}
.field{margin:0 0 18px}
form{margin:0 0 24px}
.hint{display:block;font-weight:400;font-size:14px;color:#4b5563;margin-top:2px}
input[type=email],input[type=text],input[type=number],textarea,select{display:block;width:100%;font:inherit;` +
  `padding:11px 12px;border:1px solid #9ca3af;border-radius:8px;background:#fff;color:inherit;min-height:48px}
input[type=email]:focus,input[type=text]:focus,input[type=number]:focus,textarea:focus,select:focus,` +
  `button:focus,a:focus{outline:3px solid #93b4f5;outline-offset:2px}
input[aria-invalid=true]{border-color:#b91c1c}
.error{color:#b91c1c;font-size:15px;font-weight:500;margin:6px 0 0}
.notice{background:#ecfdf5;color:#065f46;border-radius:8px;padding:10px 12px}
button{display:inline-block;font:inherit;font-weight:700;color:#fff;background:#0b57d0;border:0;` +
  `border-radius:8px;padding:12px 24px;min-height:48px;cursor:pointer;width:100%}
button:hover{background:#0842a0}
button.danger{background:#fff;color:#b91c1c;border:2px solid #b91c1c}
button.danger:hover{background:#fef2f2}
fieldset{border:0;margin:0 0 18px;padding:0}
legend{font-weight:600;margin-bottom:6px;padding:0}
.check{display:flex;gap:10px;align-items:center;font-weight:400;margin:0 0 8px}
.check input{width:22px;height:22px;margin:0}
a{color:#0b57d0}
textarea{min-height:0;resize:vertical;line-height:1.5}
input[type=number]{max-width:7em}
.article{border-top:1px solid #e5e7eb;padding-top:16px}
.actions{display:flex;flex-wrap:wrap;gap:12px}
table{border-collapse:collapse;width:100%;font-size:14px;margin:0 0 16px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e5e7eb}
td.n,th.n{text-align:right}
.scroll{overflow-x:auto}
@media (min-width:640px){main.wide{max-width:760px}}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
footer{margin-top:24px;font-size:13px;color:#6b7280}
@media (min-width:640px){main{padding:40px 44px;margin-top:40px}button{width:auto}}
@media (prefers-color-scheme:dark){body{background:#111827;color:#e5e7eb}main{background:#1f2937;` +
  `box-shadow:none}.brand,a{color:#8ab4f8}.muted,.hint,footer{color:#9ca3af}input[type=email],` +
  `select{background:#111827;border-color:#6b7280}.notice{background:#064e3b;` +
  `color:#d1fae5}.error{color:#fca5a5}input[aria-invalid=true]{border-color:#fca5a5}` +
  `button.danger{background:transparent;color:#fca5a5;border-color:#fca5a5}button.danger:hover{background:#3f1d1d}}`;

/**
 * The headers every answer of the sign-up, review and archive routes carries: no type sniffing, no
 * referrer (links carry tokens), no framing. Each module adds its own caching.
 */
export const SAFE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

/** The Content-Security-Policy of every page: nothing but this stylesheet, forms to this origin, no framing. */
export const PAGE_CSP =
  `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; form-action ` +
  `'self'; frame-ancestors 'none'; base-uri 'none'`;

export interface PageFrame {
  language: Language;
  /** The newsletter the page is about, shown above the heading. */
  brand?: string;
  title: string;
  /** Already-escaped HTML of the page body. */
  body: string;
  footer?: string;
  /** A wider column on a large screen (the review page's edit form). */
  wide?: boolean;
}

/** A whole page around already-escaped body HTML. */
export function page(frame: PageFrame): string {
  return `<!doctype html>
<html lang="${escapeHtml(frame.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(frame.brand ? `${frame.title} · ${frame.brand}` : frame.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main${frame.wide ? ' class="wide"' : ''}>
${frame.brand ? `<p class="brand">${escapeHtml(frame.brand)}</p>\n` : ''}<h1>${escapeHtml(frame.title)}</h1>
${frame.body}
${frame.footer ? `<footer>${escapeHtml(frame.footer)}</footer>\n` : ''}</main>
</body>
</html>
`;
}

export interface SubscribeFormInput {
  language: Language;
  newsletters: readonly { id: string; title: string; postalAddress?: string }[];
  selected?: string | undefined;
  /** What the person typed, shown again next to the error. */
  email?: string | undefined;
  error?: string | undefined;
}

/** The sign-up form: email, newsletter and a honeypot field that only robots fill in. */
export function subscribePage(input: SubscribeFormInput): string {
  const w = pageWordsFor(input.language);
  const selected = input.newsletters.find((n) => n.id === input.selected) ?? input.newsletters[0];
  const options = input.newsletters
    .map((n) => `<option value="${escapeHtml(n.id)}"${n.id === selected?.id ? ' selected' : ''}>${escapeHtml(n.title)}</option>`)
    .join('');
  const describedBy = input.error ? 'email-hint email-error' : 'email-hint';
  const invalid = input.error ? ' aria-invalid="true"' : '';
  const typed = input.email ? ` value="${escapeHtml(input.email.slice(0, 254))}"` : '';
  const archiveLink = selected
    ? `\n<p><a href="archive?newsletter=${encodeURIComponent(selected.id)}">${escapeHtml(ARCHIVE_WORDS[input.language].pastEditions)}</a></p>`
    : '';
  const body =
    `<p>${escapeHtml(w.subscribeIntro)}</p>
<form method="post" action="subscribe">
<div class="field">
<label for="email">${escapeHtml(w.emailLabel)}<span class="hint" id="email-hint">${escapeHtml(w.emailHint)}</span></label>
<input id="email" name="email" type="email" required maxlength="254" autocomplete="email" inputmode="email" ` +
    `spellcheck="false" aria-describedby="${describedBy}"${invalid}${typed}>
${input.error ? `<p class="error" id="email-error" role="alert">${escapeHtml(input.error)}</p>\n` : ''}</div>
${
  // One newsletter leaves nothing to choose: no drop-down, the form names it by itself.
  input.newsletters.length === 1 && selected
    ? `<input type="hidden" name="newsletter" value="${escapeHtml(selected.id)}">`
    : `<div class="field">
<label for="newsletter">${escapeHtml(w.newsletterLabel)}</label>
<select id="newsletter" name="newsletter">${options}</select>
</div>`
}
<div class="hp" aria-hidden="true"><label for="website">${escapeHtml(w.honeypotLabel)}</label><input ` +
    `id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">${escapeHtml(w.subscribeButton)}</button>
</form>
<p class="muted">${escapeHtml(w.privacyNote)}</p>${archiveLink}`;
  return page({
    language: input.language,
    ...(selected ? { brand: selected.title } : {}),
    title: w.subscribeTitle,
    body,
    ...(selected?.postalAddress ? { footer: selected.postalAddress } : {}),
  });
}

/** A page that says one thing, with an optional link onwards. */
export function messagePage(input: { language: Language; brand?: string; title: string; text: string; link?: { href: string; label: string } }): string {
  const link = input.link ? `\n<p><a href="${escapeHtml(input.link.href)}">${escapeHtml(input.link.label)}</a></p>` : '';
  return page({
    language: input.language,
    ...(input.brand ? { brand: input.brand } : {}),
    title: input.title,
    body: `<p>${escapeHtml(input.text)}</p>${link}`,
  });
}

/**
 * The page behind a confirm link: a GET shows it, only the button (a POST) confirms, so a mail
 * scanner that fetches the link cannot finish a sign-up someone else started.
 */
export function confirmPage(input: { language: Language; newsletterTitle: string; token: string }): string {
  const w = pageWordsFor(input.language);
  const body = `<p>${escapeHtml(w.confirmBody(input.newsletterTitle))}</p>
<form method="post" action="${tokenAction(input.token)}">
<button type="submit">${escapeHtml(w.confirmButton)}</button>
</form>`;
  return page({ language: input.language, brand: input.newsletterTitle, title: w.confirmTitle, body });
}

/** The page behind an unsubscribe link: a GET shows it, only the button (a POST) unsubscribes. */
export function unsubscribePage(input: { language: Language; newsletterTitle: string; token: string }): string {
  const w = pageWordsFor(input.language);
  const body = `<p>${escapeHtml(w.unsubscribeBody(input.newsletterTitle))}</p>
<form method="post" action="${tokenAction(input.token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(w.unsubscribeButton)}</button>
</form>`;
  return page({ language: input.language, brand: input.newsletterTitle, title: w.unsubscribeTitle, body });
}

/**
 * The page behind an erase link (mailed to the address on request): a GET shows it, only the button
 * (a POST) erases, so a mail scanner that fetches the link cannot erase anyone.
 */
export function erasePage(input: { language: Language; newsletterTitle: string; token: string }): string {
  const w = pageWordsFor(input.language);
  const body = `<p>${escapeHtml(w.eraseConfirmBody(input.newsletterTitle))}</p>
<form method="post" action="${tokenAction(input.token)}">
<button type="submit" class="danger">${escapeHtml(w.eraseButton)}</button>
</form>`;
  return page({ language: input.language, brand: input.newsletterTitle, title: w.eraseConfirmTitle, body });
}

export interface PreferencesPageInput {
  language: Language;
  newsletterTitle: string;
  token: string;
  redactedEmail: string;
  choices: readonly { newsletterId: string; title: string; subscribed: boolean }[];
  saved?: boolean;
}

/** Choose newsletters, or ask for an erase link to be mailed to the address. */
export function preferencesPage(input: PreferencesPageInput): string {
  const w = pageWordsFor(input.language);
  const checks = input.choices
    .map(
      (c, i) =>
        `<label class="check" for="nl-${i}"><input type="checkbox" id="nl-${i}" name="newsletter" ` +
        `value="${escapeHtml(c.newsletterId)}"${c.subscribed ? ' checked' : ''}>${escapeHtml(c.title)}</label>`,
    )
    .join('\n');
  const body =
    `${input.saved ? `<p class="notice" role="status">${escapeHtml(w.savedBody)}</p>\n` : ''}<form method="post" ` +
    `action="${tokenAction(input.token)}">
<input type="hidden" name="action" value="save">
<fieldset>
<legend>${escapeHtml(w.preferencesIntro(input.redactedEmail))}</legend>
${checks}
</fieldset>
<button type="submit">${escapeHtml(w.saveButton)}</button>
</form>
<h2>${escapeHtml(w.eraseTitle)}</h2>
<p class="muted">${escapeHtml(w.eraseBody)}</p>
<form method="post" action="${tokenAction(input.token)}">
<input type="hidden" name="action" value="erase">
<button type="submit" class="danger">${escapeHtml(w.eraseButton)}</button>
</form>`;
  return page({ language: input.language, brand: input.newsletterTitle, title: w.preferencesTitle, body });
}

export function wordsForPage(language: Language): PageWords {
  return pageWordsFor(language);
}

/** A form target relative to the current path, so the page works under any API stage prefix. */
function tokenAction(token: string): string {
  return escapeHtml(`?token=${encodeURIComponent(token)}`);
}
