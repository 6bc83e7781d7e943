/**
 * A per-article budget on the HTML handed to the parser. The HTML parser (htmlparser2 under
 * linkedom) takes time proportional to depth × elements, and Readability and any recursive walk
 * grow with depth too: 2,000 nested `<div>`s took over 30 s and 10,000 overflowed the stack. So the
 * markup is measured first with a linear scan: past `maxElements` the page is refused with a reason;
 * past `maxDepth` the tags below that depth are dropped (their text stays), which no real article
 * needs (pages are rarely more than 40 elements deep).
 */

export interface HtmlBudget {
  /** Elements nested deeper than this are unwrapped. Default 128. */
  maxDepth?: number;
  /** Pages with more elements are refused. Default 50 000. */
  maxElements?: number;
}

export const DEFAULT_MAX_HTML_DEPTH = 128;
export const DEFAULT_MAX_HTML_ELEMENTS = 50_000;

export type HtmlBudgetResult = { ok: true; html: string; flattened: boolean } | { ok: false; reason: string };

/** Thrown by code that cannot return a reason (an HTML fragment turned into paragraphs). */
export class HtmlBudgetError extends Error {
  override readonly name = 'HtmlBudgetError';
}

/**
 * Measures `html` and returns it unchanged when it is within the budget, flattened when it is too
 * deep, or a reason when it has too many elements.
 *
 * @example
 * const fitted = fitHtmlToBudget(html);
 * if (!fitted.ok) return { error: fitted.reason };
 * parseHTML(fitted.html);
 */
export function fitHtmlToBudget(html: string, budget: HtmlBudget = {}): HtmlBudgetResult {
  const maxDepth = budget.maxDepth ?? DEFAULT_MAX_HTML_DEPTH;
  const maxElements = budget.maxElements ?? DEFAULT_MAX_HTML_ELEMENTS;
  const measured = scan(html, maxDepth, false);
  if (measured.elements > maxElements) {
    return {
      ok: false,
      reason: `the page has more than ${maxElements.toLocaleString('en-US')} HTML elements, more than any article needs; it was not read`,
    };
  }
  if (measured.maxDepth <= maxDepth) return { ok: true, html, flattened: false };
  return { ok: true, html: scan(html, maxDepth, true).output, flattened: true };
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][^\s/>]*)((?:"[^"]*"|'[^']*'|[^'">])*)(?:>|$)/g;

const VOID = new Set([
  'area', 'base', 'basefont', 'bgsound', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input',
  'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);

/** Elements whose content is text, not markup, for the parser. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext']);

const CLOSES_P = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'main', 'menu', 'nav', 'ol', 'p', 'pre',
  'section', 'table', 'ul',
]);

/** Which open elements a new start tag closes, as the HTML parser does (a second `<li>` ends the first). */
function impliedClose(opening: string, open: string): boolean {
  if (open === 'p') return CLOSES_P.has(opening);
  if (open === 'li') return opening === 'li';
  if (open === 'dt' || open === 'dd') return opening === 'dt' || opening === 'dd';
  if (open === 'option') return opening === 'option' || opening === 'optgroup';
  if (open === 'td' || open === 'th') return opening === 'td' || opening === 'th' || opening === 'tr';
  if (open === 'tr') return opening === 'tr';
  return false;
}

/**
 * One linear pass over the tags. The depth it tracks is never below the parser's (it closes fewer
 * elements than the parser would), so a page it passes is within the budget. With `write`, tags
 * deeper than `maxDepth` are left out of `output`.
 */
function scan(html: string, maxDepth: number, write: boolean): { elements: number; maxDepth: number; output: string } {
  const stack: string[] = [];
  const out: string[] = [];
  let elements = 0;
  let deepest = 0;
  let last = 0;
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(html); match !== null; match = TOKEN.exec(html)) {
    const [token, slash, rawName] = match;
    if (write) out.push(html.slice(last, match.index));
    last = TOKEN.lastIndex;
    if (rawName === undefined) {
      if (write) out.push(token);
      continue;
    }
    const name = rawName.toLowerCase();
    if (slash) {
      // A close tag pops the element it names when that is on top, or just below an unclosed one.
      let keep = false;
      if (stack.at(-1) === name) {
        keep = stack.length <= maxDepth;
        stack.pop();
      } else if (stack.at(-2) === name) {
        keep = stack.length - 1 <= maxDepth;
        stack.length -= 2;
      }
      if (write && keep) out.push(token);
      continue;
    }
    elements++;
    while (stack.length > 0 && impliedClose(name, stack.at(-1)!)) stack.pop();
    const isVoid = VOID.has(name);
    const depth = stack.length + 1;
    if (write && depth <= maxDepth) out.push(token);
    if (!isVoid) {
      stack.push(name);
      if (depth > deepest) deepest = depth;
    }
    if (RAW_TEXT.has(name)) {
      // Skip to the element's end tag: what is inside is text for the parser, not tags.
      const end = new RegExp(`</${name}[\\s/>]`, 'ig');
      end.lastIndex = last;
      const closing = end.exec(html);
      const to = closing ? closing.index : html.length;
      if (write && depth <= maxDepth) out.push(html.slice(last, to));
      last = to;
      TOKEN.lastIndex = to;
    }
  }
  if (write) out.push(html.slice(last));
  return { elements, maxDepth: deepest, output: write ? out.join('') : '' };
}
