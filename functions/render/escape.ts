import { escapeHtml } from '../core/html-escape.js';

/**
 * Escaping for everything that reaches a rendered email from outside the templates, on top of
 * `escapeHtml` (core/html-escape.ts). Article text is untrusted: it comes from feeds and web pages.
 */

// C0 controls (other than tab, line feed, carriage return) and DEL break MJML's XML parser and
// are never meaningful in an email. Bidi embedding, override and isolate controls (U+202A–U+202E,
// U+2066–U+2069) let article text reorder what a reader sees ("gpj.exe" shown as "exe.jpg").
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Escapes a value for a template slot: HTML escaping plus braces as character references, so
 * article text such as `{{unsubscribe_url}}` can never become a live per-reader placeholder.
 */
export function escapeTemplateValue(value: string): string {
  return escapeHtml(value.replace(CONTROL_CHARACTERS, '')).replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));
}

/**
 * Breaks `{{` runs in plain text with a zero-width space: invisible to a reader, but no longer a
 * placeholder token when the sender personalises the text part.
 */
export function neutralisePlaceholders(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '').replace(/\{(?=\{)/g, '{\u200B');
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Returns a normalised link target when the URL is absolute http, https or mailto, otherwise
 * `undefined` (render the text without a link). Braces are percent-encoded so a URL cannot carry
 * a per-reader placeholder either.
 *
 * @example
 * safeHref('https://example.com/a b'); // 'https://example.com/a%20b'
 * safeHref('javascript:alert(1)');     // undefined
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!SAFE_PROTOCOLS.has(parsed.protocol)) return undefined;
  return parsed.href.replace(/[{}]/g, (c) => (c === '{' ? '%7B' : '%7D'));
}
