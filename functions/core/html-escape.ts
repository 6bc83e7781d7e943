/**
 * The one HTML escaper. Everything from outside (article text, feed text, addresses, links) goes
 * through it before it reaches HTML: pages, emails and the HTML built from a feed's plain text.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes the five HTML-significant characters, so the value is safe in element content and in
 * quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"Tom" & Jerry</b>'); // '&lt;b&gt;&quot;Tom&quot; &amp; Jerry&lt;/b&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A character reference: named (`&amp;`), decimal (`&#38;`) or hexadecimal (`&#x26;`). */
const CHARACTER_REFERENCE = /^&(?:[a-z][a-z\d]*|#\d+|#x[\da-f]+);/i;

/**
 * `escapeHtml` for text that already writes some characters as references, as a feed's plain-text
 * summary does ("Tom &amp; Jerry"): a reference stays, so it reads as the character it names, and
 * every other `&`, `<`, `>`, quote is escaped. A kept reference can only ever name a character of
 * text, never markup: `&lt;script&gt;` reads "<script>".
 *
 * @example
 * escapeHtmlKeepingReferences('Tom &amp; Jerry & <b>'); // 'Tom &amp; Jerry &amp; &lt;b&gt;'
 */
export function escapeHtmlKeepingReferences(text: string): string {
  return text.replace(/[&<>"']/g, (c, offset: number) => (c === '&' && CHARACTER_REFERENCE.test(text.slice(offset, offset + 40)) ? c : HTML_ESCAPES[c]!));
}
