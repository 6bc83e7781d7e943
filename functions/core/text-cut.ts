/**
 * Shortening text for the inbox (preheader, subject) without breaking what a reader needs whole:
 * a word, or a figure such as "€2.1 million" or "2,500". Word boundaries come from
 * `Intl.Segmenter`, which also finds the words of Chinese and Japanese text without spaces.
 */

/** Marks after which a Chinese or Japanese sentence or clause may end. */
const CLAUSE_END = /[。！？；，、：]$/u;
/** Punctuation that must not end a shortened text before the ellipsis. */
const TRAILING = /[\s,;:，、；：(\[（「『《〈【-]+$/u;
const DIGIT = /\p{Nd}/u;
/** Currency signs and the like that belong to the figure after them. */
const LEADS_FIGURE = /[\p{Sc}#+±-]$/u;

/**
 * Returns `text` if it has at most `max` characters, otherwise a prefix ending at a word boundary
 * (for Chinese and Japanese, preferably after a clause mark) plus "…", never inside a figure.
 *
 * @example
 * cutAtBoundary('Funding reached €2.1 million in May', 20, 'en'); // 'Funding reached…'
 */
export function cutAtBoundary(text: string, max: number, locale: string): string {
  if ([...text].length <= max) return text;
  const budget = max - 1;
  const cjk = /^(?:zh|ja)\b/i.test(locale);
  let length = 0;
  let beforeSpace = 0;
  let afterClause = 0;
  let atWord = 0;
  let previous = '';
  let lastVisible = '';
  for (const { segment } of new Intl.Segmenter(locale, { granularity: 'word' }).segment(text)) {
    const size = [...segment].length;
    if (length + size > budget) break;
    // No cut inside a figure ("€" | "2.1", "2" | ",500") nor right after one: "€2.1…" for
    // "€2.1 million" or "2…" for "2 億" would tell the reader a different number.
    const figureGoesOn = DIGIT.test(segment.charAt(0)) && (LEADS_FIGURE.test(previous) || /[.,]$/u.test(previous));
    const afterFigure = DIGIT.test(lastVisible);
    if (!figureGoesOn && !afterFigure) {
      if (/^\s/u.test(segment)) beforeSpace = length;
      if (length > 0) atWord = length;
    }
    length += size;
    if (cjk && CLAUSE_END.test(segment)) afterClause = length;
    previous = segment;
    if (/\S/u.test(segment)) lastVisible = segment.trimEnd().slice(-1);
  }
  let cut: number;
  if (cjk) cut = afterClause >= budget * 0.6 ? afterClause : Math.max(atWord, beforeSpace);
  else cut = beforeSpace > 0 ? beforeSpace : atWord;
  if (cut === 0) cut = budget;
  return `${[...text].slice(0, cut).join('').replace(TRAILING, '')}…`;
}
