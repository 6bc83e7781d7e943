import { Parser, type Handler } from 'htmlparser2';

/**
 * A per-article budget on the HTML handed to the parser. Reading a page costs time that grows with
 * its depth: the parser searches its open elements at every tag, and Readability and any recursive
 * walk grow with depth too (2,000 nested `<div>`s took 165 s and blocked the event loop; 10,000
 * overflowed the stack). So the markup is measured first, by the parser that builds the document
 * (htmlparser2, under linkedom) with linkedom's own options: a separate scanner guessed differently
 * about quotes, comments and raw-text elements, and a page it miscounted went through unmeasured.
 * Past `maxElements`, or past `maxWork` before the measuring is done, the page is refused with a
 * reason; past `maxDepth` the tags below that depth are dropped (their text stays), which no real
 * article needs (pages are rarely more than 40 elements deep).
 */

export interface HtmlBudget {
  /** Elements nested deeper than this are unwrapped. Default 128. */
  maxDepth?: number;
  /** Pages with more elements are refused. Default 50 000. */
  maxElements?: number;
  /**
   * How much parsing a page may cost, counted as characters read × the depth they are read at
   * (the parser's work per tag grows with the depth). Pages past it are refused. It stands in for
   * time without reading a clock, so the same page gets the same answer on any machine. Default
   * 1 000 000 000: about 0.4 s on a laptop, twice what a 5 MB page 100 levels deep costs.
   */
  maxWork?: number;
}

const DEFAULT_MAX_HTML_DEPTH = 128;
const DEFAULT_MAX_HTML_ELEMENTS = 50_000;
const DEFAULT_MAX_HTML_WORK = 1_000_000_000;

export type HtmlBudgetResult = { ok: true; html: string; flattened: boolean } | { ok: false; reason: string };

/** Thrown by code that cannot return a reason (an HTML fragment turned into paragraphs). */
export class HtmlBudgetError extends Error {
  override readonly name = 'HtmlBudgetError';
}

/**
 * The options linkedom's `parseHTML` gives htmlparser2 (linkedom/esm/shared/parse-from-string.js),
 * so the budget sees the elements the document will have, not an estimate of them.
 */
const LINKEDOM_PARSER_OPTIONS = { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false } as const;

/** The markup is read this many characters at a time, so the work is counted while it is done. */
const CHUNK = 8 * 1024;

/**
 * Measures `html` and returns it unchanged when it is within the budget, flattened when it is too
 * deep, or a reason when it has too many elements or would cost too much to read.
 *
 * @example
 * const fitted = fitHtmlToBudget(html);
 * if (!fitted.ok) return { error: fitted.reason };
 * parseHTML(fitted.html);
 */
export function fitHtmlToBudget(html: string, budget: HtmlBudget = {}): HtmlBudgetResult {
  const limits = {
    maxDepth: budget.maxDepth ?? DEFAULT_MAX_HTML_DEPTH,
    maxElements: budget.maxElements ?? DEFAULT_MAX_HTML_ELEMENTS,
    maxWork: budget.maxWork ?? DEFAULT_MAX_HTML_WORK,
  };
  const measured = measure(html, limits);
  if (measured.refused) return { ok: false, reason: measured.refused };
  if (measured.deepest <= limits.maxDepth) return { ok: true, html, flattened: false };

  const flattened = flatten(html, limits.maxDepth);
  // The flattened page is measured again as the parser will read it, so what is handed on has been
  // measured whatever the flattening did to it.
  const remeasured = measure(flattened, limits);
  if (remeasured.refused) return { ok: false, reason: remeasured.refused };
  if (remeasured.deepest > limits.maxDepth) {
    return {
      ok: false,
      reason:
        `the page's HTML is nested more than ${limits.maxDepth} levels deep and could not be flattened; it was not ` +
        `read: save the article's text as a .txt or .md file instead`,
    };
  }
  return { ok: true, html: flattened, flattened: true };
}

interface Limits {
  maxDepth: number;
  maxElements: number;
  maxWork: number;
}

/**
 * Reads `html` with the document's parser, counting elements and depth in its callbacks, and stops
 * as soon as the page has too many elements or has cost more than `maxWork`.
 */
function measure(html: string, limits: Limits): { deepest: number; refused?: string } {
  let depth = 0;
  let deepest = 0;
  let deepestInChunk = 0;
  let elements = 0;
  let refused: string | undefined;
  const parser: Parser = new Parser(
    {
      onopentagname() {
        elements++;
        depth++;
        if (depth > deepestInChunk) deepestInChunk = depth;
        if (elements > limits.maxElements) {
          refused = `the page has more than ${limits.maxElements.toLocaleString('en-US')} HTML elements, more than any article needs; it was not read`;
          parser.pause();
        }
      },
      onclosetag() {
        depth--;
      },
    },
    LINKEDOM_PARSER_OPTIONS,
  );
  let work = 0;
  for (let start = 0; start < html.length && refused === undefined; start += CHUNK) {
    deepestInChunk = depth;
    parser.write(html.slice(start, start + CHUNK));
    deepest = Math.max(deepest, deepestInChunk);
    // Every tag in the chunk may have searched all the elements open at the chunk's deepest point.
    work += Math.min(CHUNK, html.length - start) * Math.max(deepestInChunk, 1);
    if (refused === undefined && work > limits.maxWork) {
      refused =
        `the page's HTML is nested ${deepestInChunk.toLocaleString('en-US')} levels deep, too deep to be read in time ` +
        `at its size; it was not read: save the article's text as a .txt or .md file instead`;
    }
  }
  if (refused === undefined) parser.end();
  return refused === undefined ? { deepest } : { deepest, refused };
}

/** Elements whose content the tokenizer reads as raw text, so their text is copied as it is. */
const RAW_TEXT = new Set(['script', 'style', 'xmp']);

/**
 * Drops the tags of the elements deeper than `maxDepth` and keeps their text. The parser's own
 * events say which tag is which, so a quote, a comment or a raw-text element is read as the
 * document will read it. Text is written out escaped, so that removing a tag can never join the
 * characters around it into a new one; the text of raw-text elements is kept as it is.
 */
function flatten(html: string, maxDepth: number): string {
  const out: string[] = [];
  let copied = 0;
  /** The open elements, innermost last: each one's name and whether its tags are dropped. */
  const open: { name: string; dropped: boolean }[] = [];
  const replace = (start: number, end: number, text: string): void => {
    if (start < copied) return;
    out.push(html.slice(copied, start), text);
    copied = end + 1;
  };
  const handler: Partial<Handler> = {
    onopentagname(name) {
      open.push({ name, dropped: open.length + 1 > maxDepth });
    },
    onopentag(_name, _attributes, isImplied) {
      // An implied open (`</p>` or `</br>` alone) is written by its end tag, handled below.
      if (!isImplied && open.at(-1)?.dropped) replace(parser.startIndex, parser.endIndex, '');
    },
    onclosetag(_name, isImplied) {
      const element = open.pop();
      if (!isImplied && element?.dropped) replace(parser.startIndex, parser.endIndex, '');
    },
    ontext(text) {
      const element = open.at(-1);
      if (element && !element.dropped && RAW_TEXT.has(element.name)) return;
      replace(parser.startIndex, parser.endIndex, escapeText(text));
    },
  };
  const parser = new Parser(handler, LINKEDOM_PARSER_OPTIONS);
  parser.end(html);
  out.push(html.slice(copied));
  return out.join('');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
