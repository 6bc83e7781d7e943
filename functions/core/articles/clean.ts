import { createHash } from 'node:crypto';
import type { Article, RawArticle } from '../article.js';
import { applyInlineRule, closeTitle, GARBLED_MARK, rulesFor, TITLE_LABEL, titleSuffix, type InlineRule, type LineRule } from './cleaning-rules.js';
import { detectLanguage } from './language.js';
import { segmentsOf } from '../text-segments.js';

/**
 * Turns what a source handed over into an article an editor would recognise: the real headline,
 * clean paragraphs, no follow prompts, credits, disclaimers, placeholders or pinyin glosses.
 * The junk it removes is described as data in `cleaning-rules.ts`.
 */

export type CleanArticleResult = { ok: true; article: Article } | { ok: false; reason: string };

/**
 * The edition's script, applied to what the cleaner leaves (core holds no dictionaries: the
 * caller passes them in). `convert` rewrites the title and paragraphs (a `zh-Hant` edition reads in
 * Traditional characters); `rewordGlossed` re-derives the few characters around a pinyin gloss
 * (see `cleanArticle`).
 */
export interface ScriptConversion {
  convert: (text: string) => string;
  rewordGlossed?: (text: string) => string;
}

export interface CleanOptions {
  script?: ScriptConversion | undefined;
}

/** Longest line taken for a headline: beyond this it is a paragraph. */
const HEADLINE_MAX_HAN = 60;
const HEADLINE_MAX_WORDS = 25;
/**
 * Longest text taken for a title at all (a markdown heading, the source's title, a first line). A
 * headline is far shorter; the bound keeps the title rules cheap on junk, since the site-name
 * pattern (TITLE_SITE_SUFFIX) takes time quadratic in the length of a title that is one long word.
 */
const TITLE_SOURCE_MAX_CHARS = 2_000;
/** Length of a title made from the first sentence when the article has no headline. */
const DERIVED_TITLE_MAX_HAN = 40;
const DERIVED_TITLE_MAX_CHARS = 110;

const ID_LENGTH = 16;

const sentenceSegmenters = new Map<string, Intl.Segmenter>();

/**
 * Cleans a raw article. Returns `{ ok: false, reason }` (naming `raw.location`) when nothing
 * usable is left: an empty file, binary data, or only junk.
 *
 * @example
 * const result = cleanArticle({ location: 'articles/a.md', format: 'markdown', body: '# Title\n\nText of the article.' });
 * if (result.ok) console.log(result.article.title); // 'Title'
 */
export function cleanArticle(raw: RawArticle, options: CleanOptions = {}): CleanArticleResult {
  const where = raw.location || '(unknown location)';
  if (typeof raw.body !== 'string' || raw.body.trim() === '') {
    return { ok: false, reason: `${where}: the article is empty; there is no text to use` };
  }
  if (looksBinary(raw.body)) {
    return { ok: false, reason: `${where}: the article looks like binary data, not text; check the file or the source's content type` };
  }

  let text = normaliseText(raw.body);
  let markdownTitle: string | undefined;
  if (raw.format === 'markdown') {
    const md = stripMarkdown(text);
    text = md.text;
    markdownTitle = md.title;
  }

  const detected = detectLanguage(text);
  const language = chooseLanguage(raw.language, detected);
  const rules = rulesFor(language ?? (detected === 'other' ? undefined : detected));
  const inlineRules = rules.filter((r): r is InlineRule => r.kind === 'inline');
  const reword = options.script?.rewordGlossed;
  if (reword && language?.startsWith('zh')) text = rewordGlossedCharacters(text, inlineRules, reword);
  const junkRules = rules.filter((r): r is LineRule => r.kind === 'line' && r.phase === 'junk');
  const captionRules = rules.filter((r): r is LineRule => r.kind === 'line' && r.phase === 'caption');

  let lines = splitParagraphs(text, raw.format)
    .map((line) => tidyLine(applyInline(line, inlineRules)))
    .filter((line) => line !== '');
  lines = dropLines(lines, junkRules);
  lines = lines.map((line) => dropGarbledSentences(line, language)).filter((line) => line !== '');
  lines = dedupe(lines);

  const site = knownSiteNames(raw);
  const cleanMarkdownTitle = markdownTitle === undefined ? undefined : cleanTitleText(applyInline(markdownTitle, inlineRules), site);
  const rawTitle =
    raw.title === undefined || raw.title.length > TITLE_SOURCE_MAX_CHARS ? undefined : cleanTitleText(applyInline(normaliseText(raw.title), inlineRules), site);
  let title: string | undefined;
  if (cleanMarkdownTitle && !isGarbled(cleanMarkdownTitle)) title = cleanMarkdownTitle;
  else if (rawTitle && isGoodSourceTitle(rawTitle)) title = rawTitle;
  if (title !== undefined) {
    const key = comparable(title);
    lines = lines.filter((line) => comparable(line) !== key);
  } else if (lines.length > 1 && isHeadline(lines[0]!)) {
    title = cleanTitleText(lines[0]!, site);
    lines = lines.slice(1);
  }

  lines = dropCaptions(lines, captionRules);
  if (!lines.some((line) => /[\p{L}\p{N}]/u.test(line))) {
    return { ok: false, reason: `${where}: no article text is left after removing junk (prompts, credits, disclaimers, captions)` };
  }
  title ??= deriveTitle(lines[0]!, language, site);

  const id = createHash('sha256')
    .update(`${title}\n${lines.join('\n')}`, 'utf8')
    .digest('hex')
    .slice(0, ID_LENGTH);
  // The id is taken before the script conversion, so an article keeps it whatever the edition's script.
  const convert = options.script?.convert;
  const article: Article = convert
    ? { id, title: convert(title), paragraphs: lines.map(convert), location: raw.location }
    : { id, title, paragraphs: lines, location: raw.location };
  if (raw.url !== undefined) article.url = raw.url;
  if (raw.byline !== undefined) article.byline = raw.byline;
  if (raw.publishedAt !== undefined) article.publishedAt = raw.publishedAt;
  if (language !== undefined) article.language = language;
  return { ok: true, article };
}

/**
 * NUL bytes or many control characters mean the "text" is really a binary file. Bytes that were
 * not valid UTF-8 arrive as U+FFFD: a few of them are damage (the sentences holding them are
 * dropped later), and only text that is mostly replacement characters counts as binary.
 */
function looksBinary(body: string): boolean {
  const sample = body.slice(0, 16_384);
  let control = 0;
  let replaced = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) return true;
    if (code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) control++;
    else if (code === 0xfffd) replaced++;
  }
  return control / sample.length > 0.02 || replaced / sample.length > 0.3;
}

function normaliseText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .replace(/[\t\u00A0\u3000\u2000-\u200A\u202F\u205F\f\v]/g, ' ')
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '');
}

/**
 * Markdown syntax, as patterns that take time linear in the text whatever it holds. Where a
 * construct is left unfinished ("<!--", "![…](…" without its ")"), the pattern takes it whole and
 * gives it back unchanged: every later start of it would end the same unfinished way, and trying
 * each of them took quadratic time.
 */
const MARKDOWN = {
  comment: /<!--(?:[\s\S]*?(-->)|[\s\S]*)/g,
  image: /!\[[^\]\n]*(?:\]\([^)\n]*(\))?)?/g,
  link: /\[([^\]\n]+)(?:\]\([^)\n]*(\))?)?/g,
  referenceLink: /\[([^\]\n]+)(?:\]\[[^\]\n]*(\]))?/g,
  /**
   * A heading's text, without the closing #s and spaces: as short as it can be, it ends with a
   * character that is neither a space nor a # followed by another #, or is a single # or space
   * when the heading holds only those (as `(.+?)\s*#*\s*$` would have it, which tried every
   * character of a run of spaces or #s against the rest of the run, in time cubic in its length).
   */
  headingText: String.raw`(#(?=#+\s*$)|.*?(?:[^\s#]|#(?!#))|[^\S\n\r\u2028\u2029])\s*(?:#+\s*)?$`,
  /**
   * A line start where a pattern that begins with `\s*` may start: not the second or a later line
   * of a run of blank lines, where it would find what it found from the first one, after reading
   * the run once more from each line.
   */
  blockStart: String.raw`^(?:(?<![\s\S])|(?=\S)|(?<=\S[^\S\n\r\u2028\u2029]*[\n\r\u2028\u2029]))`,
};
const FIRST_HEADING = new RegExp(String.raw`^#\s+${MARKDOWN.headingText}`, 'm');
const HEADING = new RegExp(String.raw`^\s{0,3}#{1,6}\s+${MARKDOWN.headingText}`, 'gm');
const LINK_DEFINITION = new RegExp(String.raw`${MARKDOWN.blockStart}\s*\[[^\]\n]+\]:\s+\S+.*$`, 'gm');
const LIST_MARKER = new RegExp(String.raw`${MARKDOWN.blockStart}\s*(?:[-*+]|\d{1,3}[.)])\s+`, 'gm');

function stripMarkdown(text: string): { text: string; title?: string } {
  let body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  body = body.replace(MARKDOWN.comment, (comment, closed?: string) => (closed === undefined ? comment : ''));
  body = body.replace(/^(```|~~~)[^\n]*\n[\s\S]*?\n\1[^\n]*$/gm, '');
  let title: string | undefined;
  body = body.replace(FIRST_HEADING, (heading, words: string) => {
    // Longer than any headline: it stays in the text (and the title rules never read a megabyte).
    if (words.length > TITLE_SOURCE_MAX_CHARS) return heading;
    title = words;
    return '';
  });
  body = unwrapStrong(
    body
      .replace(HEADING, '$1')
      .replace(/^\s{0,3}(?:[-*_]\s*){3,}$/gm, '')
      .replace(MARKDOWN.image, (image, closed?: string) => (closed === undefined ? image : ''))
      .replace(MARKDOWN.link, (link, label: string, closed?: string) => (closed === undefined ? link : label))
      .replace(MARKDOWN.referenceLink, (link, label: string, closed?: string) => (closed === undefined ? link : label))
      .replace(LINK_DEFINITION, ''),
  )
    .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1')
    .replace(/(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w])/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(LIST_MARKER, '');
  const result: { text: string; title?: string } = { text: body };
  if (title !== undefined) result.title = title;
  return result;
}

/**
 * `**strong**` and `__strong__` unwrapped, as `/(\*\*|__)(?=\S)([^\n]*?\S)\1/g` would: the text
 * runs from a mark followed by a non-space to the first same mark on the line after a non-space.
 * In one pass: that pattern read to the end of the line from every mark left open (a line of
 * "**a " took quadratic time). The closing marks and line ends ahead are each looked up once.
 */
function unwrapStrong(text: string): string {
  const closing = new Map<string, number>();
  /** The first closing `mark` (after a non-space) at or after `from`, or -1. */
  const closingAt = (mark: string, from: number): number => {
    let at = closing.get(mark);
    if (at === undefined || (at !== -1 && at < from)) {
      at = text.indexOf(mark, from);
      while (at !== -1 && !/\S/.test(text[at - 1]!)) at = text.indexOf(mark, at + 1);
      closing.set(mark, at);
    }
    return at;
  };
  /** The first line break at or after the text of the mark being looked at, or the text's end. */
  let lineEnd = -1;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length - 2) {
    const mark = text.startsWith('**', i) ? '**' : text.startsWith('__', i) ? '__' : undefined;
    if (mark !== undefined && /\S/.test(text[i + 2]!)) {
      if (lineEnd < i + 2) {
        const lineBreak = text.indexOf('\n', i + 2);
        lineEnd = lineBreak === -1 ? text.length : lineBreak;
      }
      const end = closingAt(mark, i + 3);
      if (end !== -1 && end < lineEnd) {
        out += text.slice(copied, i) + text.slice(i + 2, end);
        copied = end + 2;
        i = end + 2;
        continue;
      }
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Paragraphs are separated by blank lines or, in plain text, by single line breaks; a block whose
 * lines are hard-wrapped (they rarely end a sentence) is joined back into one paragraph.
 */
function splitParagraphs(text: string, format: RawArticle['format']): string[] {
  const paragraphs: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) continue;
    if (format === 'markdown' || looksHardWrapped(lines)) paragraphs.push(joinLines(lines));
    // One line at a time: spreading a block of a few hundred thousand lines overflows the stack.
    else for (const line of lines) paragraphs.push(line);
  }
  return paragraphs;
}

function looksHardWrapped(lines: string[]): boolean {
  if (lines.length < 3) return false;
  const inner = lines.slice(0, -1);
  const open = inner.filter((l) => !/[.!?。！？:：”"]$/u.test(l) && l.length >= 30).length;
  return open / inner.length >= 0.7;
}

/** Lines joined with a space, or with nothing between two Chinese ones. Each line is read once. */
function joinLines(lines: string[]): string {
  return lines
    .map((line, i) => {
      if (i === 0) return line;
      const glue = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]$/u.test(lines[i - 1]!) && /^[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u.test(line) ? '' : ' ';
      return glue + line;
    })
    .join('');
}

/**
 * A pinyin gloss marks a character that a publisher's character-by-character conversion produced
 * (復(fù)制 from 复制): the word around it may have been converted wrongly (複製 is meant). The
 * character and its neighbours are handed to `reword` (to Simplified and back, with OpenCC's
 * phrases) and the gloss is dropped. Only glossed words are touched: a whole-text round trip also
 * rewrites correct words and names (王明鉅 → 王明巨).
 */
function rewordGlossedCharacters(text: string, rules: readonly InlineRule[], reword: (text: string) => string): string {
  const gloss = rules.find((r) => r.id === 'pinyin-gloss')?.pattern;
  if (!gloss) return text;
  const around = new RegExp(`(\\p{Script=Han}?)(\\p{Script=Han})${gloss.source}(\\p{Script=Han}?)`, 'gu');
  return text.replace(around, (_match, before: string, glossed: string, ...rest: unknown[]) => {
    const after = typeof rest[rest.length - 3] === 'string' ? (rest[rest.length - 3] as string) : '';
    const word = before + glossed + after;
    const reworded = reword(word);
    // OpenCC maps character for character; anything else keeps the source's characters.
    return Array.from(reworded).length === Array.from(word).length ? reworded : word;
  });
}

function applyInline(line: string, rules: readonly InlineRule[]): string {
  return rules.reduce((acc, rule) => applyInlineRule(rule, acc), line);
}

function tidyLine(line: string): string {
  return line
    .replace(/ {2,}/g, ' ')
    .replace(/(?<=[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]) (?=[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF])/gu, '')
    .trim();
}

function dropLines(lines: readonly string[], rules: readonly LineRule[]): string[] {
  const kept: string[] = [];
  for (const line of lines) {
    const rule = rules.find((r) => r.test(line));
    if (!rule) kept.push(line);
    else if (rule.dropRest) break;
  }
  return kept;
}

/**
 * Caption lines, and the caption above a credit line: a page that puts "Photograph: Jane Doe/Getty
 * Images" on a line of its own leaves the caption ("A row of terraced houses in Leeds.") just
 * before it, a short single sentence that would otherwise read as news.
 */
function dropCaptions(lines: readonly string[], rules: readonly LineRule[]): string[] {
  const credit = rules.find((r) => r.id === 'caption-credit');
  const kept: string[] = [];
  for (const line of lines) {
    const rule = rules.find((r) => r.test(line));
    if (!rule) {
      kept.push(line);
      continue;
    }
    const before = kept[kept.length - 1];
    if (credit?.test(line) && before !== undefined && isCaptionLike(before)) kept.pop();
  }
  return kept;
}

/** One short sentence on a line of its own, as a caption is. */
function isCaptionLike(line: string): boolean {
  const han = hanCount(line);
  if (han > 0 && han * 3 >= line.length) return line.length <= 60 && !/[。！？][^。！？]+[。！？]/u.test(line);
  return line.split(/\s+/).length <= 25 && !/[.!?]["”’]?\s+[A-Z]/.test(line);
}

/** The names the source is known by, and the labels of its domain(s), reduced for comparison. */
function knownSiteNames(raw: Pick<RawArticle, 'siteNames' | 'url' | 'readFrom'>): string[] {
  const names = (raw.siteNames ?? []).map(comparable).filter((n) => n.length > 1);
  for (const address of [raw.url, raw.readFrom]) {
    if (!address) continue;
    try {
      const labels = new URL(address).hostname.split('.').filter((l) => l !== 'www' && l.length > 2);
      // The registrable part ("theguardian" of www.theguardian.com), not the top-level domain.
      names.push(...labels.slice(0, Math.max(1, labels.length - 1)).map(comparable));
    } catch {
      // Not a URL: no domain to compare with.
    }
  }
  return names;
}

/** True when `suffix` names the site: it is one of its names, or holds its domain's name ("The Guardian" for theguardian.com). */
function namesSite(suffix: string, site: readonly string[]): boolean {
  const s = comparable(suffix);
  if (s.length < 2) return false;
  if (/\.[a-z]{2,}$/iu.test(suffix.trim())) return true;
  return site.some((name) => name === s || (name.length >= 4 && (s.includes(name) || name.includes(s))));
}

function isGarbled(text: string): boolean {
  return text.includes(GARBLED_MARK);
}

/** Removes the sentences of a paragraph that still carry damage after the inline rules ran. */
function dropGarbledSentences(line: string, language: string | undefined): string {
  if (!isGarbled(line)) return line;
  return splitSentences(line, language)
    .filter((s) => !isGarbled(s))
    .join('')
    .trim();
}

/**
 * Sentences of `text`, in order, joining back to `text` (at most `max` of them). A long paragraph
 * is segmented a window at a time (`segmentsOf`): V8's segmenter takes time proportional to the
 * whole string for every sentence it yields, so one 5 MB paragraph took minutes.
 */
function splitSentences(text: string, language: string | undefined, max = Infinity): string[] {
  const locale = language?.startsWith('zh') ? 'zh' : 'en';
  let segmenter = sentenceSegmenters.get(locale);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
    sentenceSegmenters.set(locale, segmenter);
  }
  const sentences: string[] = [];
  for (const { segment } of segmentsOf(segmenter, text)) {
    sentences.push(segment);
    if (sentences.length >= max) break;
  }
  return sentences;
}

function dedupe(lines: readonly string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const key = comparable(line);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Text reduced to letters and digits, for comparing a title with a line. */
function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function hanCount(text: string): number {
  return (text.match(/\p{Script=Han}/gu) ?? []).length;
}

/** A headline is one short line with at most one sentence and no trailing colon. */
function isHeadline(line: string): boolean {
  if (line.length > TITLE_SOURCE_MAX_CHARS || isGarbled(line) || /[:：]$/u.test(line)) return false;
  const han = hanCount(line);
  if (han > 0 && han * 3 >= line.length) {
    if (line.length > HEADLINE_MAX_HAN) return false;
    return !/[。！？!?](?!\s*$)[”’」』"']*./u.test(line.replace(/[。！？!?][”’」』"']*$/u, ''));
  }
  const words = line.split(/\s+/).length;
  if (words > HEADLINE_MAX_WORDS) return false;
  // English headlines do not end with a full stop; a line that does is the lead paragraph.
  if (/\.["”’']?$/.test(line)) return false;
  // Two sentences (". " followed by a capital) make a paragraph, not a headline.
  return !/[.!?]["”’']?\s+[A-Z]/.test(line);
}

/** Source titles that are file names or slugs ("ai-talent-article.txt") are not headlines. */
function isGoodSourceTitle(title: string): boolean {
  if (title.length < 2 || title.length > 300 || isGarbled(title)) return false;
  if (/^[\w.-]+\.(?:txt|md|markdown|html?|json)$/i.test(title)) return false;
  if (/^[A-Za-z0-9_.-]+$/.test(title) && /[-_]/.test(title)) return false;
  return !/^(?:untitled|home|index|news|article)$/i.test(title);
}

/**
 * Editors drop a headline's final full stop; question and exclamation marks stay. A label, the
 * site's name and an unclosed quote or bracket are no part of a headline (title rules in
 * cleaning-rules.ts).
 */
function cleanTitleText(title: string, site: readonly string[]): string {
  const tidy = tidyLine(title.replace(/\s+/g, ' '))
    .replace(/^[#\s]+/, '')
    .replace(TITLE_LABEL, '');
  // Only a name the source is known by is a site name: "Abortion not a poll issue - Blair" keeps its attribution.
  const parts = titleSuffix(tidy);
  const withoutSite = parts && namesSite(parts.suffix, site) ? parts.head : tidy;
  return closeTitle(Array.from(withoutSite).length >= 6 ? withoutSite : tidy)
    .replace(/(?<![.。])[。.]$/u, '')
    .trim();
}

/** When an article has no headline, the start of its first sentence stands in for one. */
function deriveTitle(firstParagraph: string, language: string | undefined, site: readonly string[]): string {
  const first = (splitSentences(firstParagraph, language, 1)[0] ?? firstParagraph).trim();
  const isHan = hanCount(first) * 3 >= first.length;
  const limit = isHan ? DERIVED_TITLE_MAX_HAN : DERIVED_TITLE_MAX_CHARS;
  if (Array.from(first).length <= limit) return cleanTitleText(first, site);
  const chars = Array.from(first).slice(0, limit).join('');
  const cut = isHan ? Math.max(chars.lastIndexOf(','), chars.lastIndexOf('，'), chars.lastIndexOf('、')) : chars.lastIndexOf(' ');
  const head = (cut > limit / 3 ? chars.slice(0, cut) : chars).replace(/[\s,，、;；:：-]+$/u, '');
  return closeTitle(`${head}…`);
}

/** The article's language: the source's declaration when it is one we know, else detection. */
function chooseLanguage(declared: string | undefined, detected: ReturnType<typeof detectLanguage>): string | undefined {
  if (declared) {
    const tag = declared.toLowerCase();
    if (/^zh-(?:hant|tw|hk|mo)/.test(tag)) return 'zh-Hant';
    if (/^zh-(?:hans|cn|sg|my)/.test(tag)) return 'zh-Hans';
    if (tag === 'zh' || tag.startsWith('zh-')) return detected === 'zh-Hant' || detected === 'zh-Hans' ? detected : 'zh-Hans';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  if (detected !== 'other') return detected;
  return declared;
}
