import { PLACEHOLDERS } from '../core/edition.js';
import type { TemplateWords } from '../../templates/i18n.js';
import { neutralisePlaceholders } from './escape.js';
import { addressLines, type PageFooter } from './page-parts.js';

/** The plain-text part: footer, blocks and line wrapping that respects CJK display width. */

/** Width of a plain-text line in columns; a CJK character takes two. */
const TEXT_WIDTH = 76;

/** The plain-text footer: why, unsubscribe and preferences placeholders, postal address. */
export function textFooter(footer: PageFooter, words: TemplateWords): string[] {
  const lines = ['-- ', ...wrapPlainText(footer.whyYouGetThis)];
  if (footer.unsubscribe) {
    lines.push(`${words.unsubscribe}${words.labelSeparator}${PLACEHOLDERS.unsubscribeUrl}`);
    lines.push(`${words.preferences}${words.labelSeparator}${PLACEHOLDERS.preferencesUrl}`);
  }
  for (const line of addressLines(footer.postalAddress)) lines.push(...wrapPlainText(line));
  return lines;
}

export function joinTextBlocks(blocks: string[][]): string {
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}

// Plain-text wrapping that respects CJK.
// East Asian Wide and Fullwidth ranges that matter for Chinese text (UAX #11, simplified).
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
// A line may not start with these (kinsoku) ...
const CLOSING = new Set([...'，。、；：！？）」』》〉】〕］｝…‥・ー〜～ゝゞ々,.;:!?)]}%”’']);
// ... nor end with these.
const OPENING = new Set([...'（「『《〈【〔［｛([{“‘']);
// A good place to end a CJK line: after a clause or sentence. Latin text breaks greedily at spaces.
const CLAUSE_END = new Set([...'，。、；：！？']);

interface TextUnit {
  text: string;
  width: number;
  spaceBefore: boolean;
}

function charWidth(ch: string): number {
  return WIDE.test(ch) ? 2 : 1;
}

function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/**
 * Splits text into pieces that must stay on one line: a Latin word or URL, one CJK character with
 * any closing punctuation after it, opening punctuation with what follows.
 */
function textUnits(text: string): TextUnit[] {
  const units: TextUnit[] = [];
  let spaceBefore = false;
  for (const ch of text) {
    if (/\s/u.test(ch)) {
      spaceBefore = units.length > 0;
      continue;
    }
    const last = units.at(-1);
    const lastChar = last ? ([...last.text].at(-1) ?? '') : '';
    const narrow = !WIDE.test(ch);
    const joins = last !== undefined && !spaceBefore && (CLOSING.has(ch) || OPENING.has(lastChar) || (narrow && !WIDE.test(lastChar)));
    if (last && joins) {
      last.text += ch;
      last.width += charWidth(ch);
    } else {
      units.push({ text: ch, width: charWidth(ch), spaceBefore });
    }
    spaceBefore = false;
  }
  return units;
}

/**
 * Wraps one paragraph to `width` columns (a CJK character counts two). Latin breaks at spaces,
 * CJK between characters but never before closing or after opening punctuation, preferring the
 * end of a clause near the end of the line. Words longer than a line (URLs) are left whole.
 *
 * @example
 * wrapPlainText('重點一…', { first: '- ', rest: '  ' }); // ['- 重點一…', '  …']
 */
export function wrapPlainText(text: string, prefix: { first?: string; rest?: string } = {}, width = TEXT_WIDTH): string[] {
  const first = prefix.first ?? '';
  const rest = prefix.rest ?? '';
  const units = textUnits(neutralisePlaceholders(text));
  const lines: string[] = [];
  let current: TextUnit[] = [];
  let currentWidth = textWidth(first);

  const render = (line: TextUnit[], lead: string): string => lead + line.map((unit, i) => (i > 0 && unit.spaceBefore ? ' ' : '') + unit.text).join('');
  const widthOf = (line: TextUnit[], lead: string): number =>
    textWidth(lead) + line.reduce((sum, unit, i) => sum + unit.width + (i > 0 && unit.spaceBefore ? 1 : 0), 0);

  for (const unit of units) {
    const extra = unit.width + (current.length > 0 && unit.spaceBefore ? 1 : 0);
    if (current.length > 0 && currentWidth + extra > width) {
      const lead = lines.length === 0 ? first : rest;
      // Prefer ending at a clause boundary when that still fills most of the line.
      let cut = current.length;
      for (let i = current.length - 1; i > 0; i--) {
        const lastChar = [...(current[i - 1]?.text ?? '')].at(-1) ?? '';
        if (CLAUSE_END.has(lastChar) && widthOf(current.slice(0, i), lead) >= width * 0.7) {
          cut = i;
          break;
        }
        if (widthOf(current.slice(0, i), lead) < width * 0.7) break;
      }
      lines.push(render(current.slice(0, cut), lead));
      current = current.slice(cut);
      current.push(unit);
      currentWidth = widthOf(current, rest);
    } else {
      current.push(unit);
      currentWidth += extra;
    }
  }
  if (current.length > 0 || lines.length === 0) lines.push(render(current, lines.length === 0 ? first : rest));
  return lines;
}
