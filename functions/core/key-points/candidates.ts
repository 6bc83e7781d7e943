import { lengthOf, type ArticleReading } from './features.js';

/**
 * Which sentences (or short runs of sentences) can stand as a key point on their own: not a
 * correction note or a caption that reached the text, not half a quotation, and not a sentence
 * that leans on the one before it without saying so.
 */

/**
 * Notes about the article rather than news in it, and captions, when they are glued to a paragraph
 * (on a line of their own the cleaner drops them): "This article was amended on…", "Correction:",
 * "An earlier version of this article…", "Photograph: …/Getty Images", "更正：".
 */
const NOT_NEWS =
  /^(?:(?:This|The) (?:article|story|piece|report) (?:was|has been) (?:amended|corrected|updated)\b|(?:Correction|Clarification|Editor['’]s note)\s*[:：—–-]|An? (?:earlier|previous|prior) version of this (?:article|story|piece|report)\b)|(?:^|\s)(?:Photograph|Photo|Illustration|Composite)\s*:\s*\S[^.]{0,80}$|^[（(【［\[]?(?:更正|勘誤|勘误|編按|编按)[】］\]]?\s*[:：]/iu;

export function isNotNews(text: string): boolean {
  return NOT_NEWS.test(text);
}

/**
 * Openings that lean on the sentence before: a pronoun or a definite reference to what was just
 * said ("They…", "The rest of the money…", "It also said…", "The move…"), a connective ("But…",
 * "However,…"), or in Chinese a pronoun or a connective ("這…", "他表示…", "此外…", "但…").
 */
const ANAPHOR_EN =
  /^["“‘']?(?:(?:they|them|their|he|she|his|her|it|its|this|these|those|that|there|such|both|neither|either)\b|the (?:rest|remainder|remaining|latter|former|same|other|others|move|decision|deal|plan|measure|proposal|statement|announcement|incident|case|report|figure|number|amount|money|latter)\b|(?:also|but|and|so|however|instead|meanwhile|still|yet|then|further(?:more)?|moreover|in addition|additionally|as a result|in turn|for (?:his|her|their|its) part)\b|another\b|(?:one|some|many|most|all|none) of (?:them|those|these|the)\b)/iu;
const ANAPHOR_ZH =
  /^[“「"]?(?:他們|他们|她們|她们|它們|它们|他|她|它|這|这|那|此|其|該|该|但|而且|而|所以|因此|不過|不过|然而|同時|同时|另外|此外|另一方面|對此|对此|於是|于是|隨後|随后|之後|之后|此前|其中|上述|雙方|双方)/u;

export function opensWithAnaphor(text: string): boolean {
  return ANAPHOR_EN.test(text) || ANAPHOR_ZH.test(text);
}

const OPENING_MARKS = '“「『‘';
const CLOSING_MARKS = '”」』’';

/** The quotation depth before and after each sentence of a paragraph (curly and corner quotes; straight quotes by parity). */
function quoteDepths(texts: readonly string[]): { start: number; end: number }[] {
  let depth = 0;
  let straight = false;
  return texts.map((text) => {
    const start = depth + (straight ? 1 : 0);
    for (const ch of text) {
      if (OPENING_MARKS.includes(ch)) depth++;
      else if (CLOSING_MARKS.includes(ch)) depth = Math.max(0, depth - 1);
      else if (ch === '"') straight = !straight;
    }
    return { start, end: depth + (straight ? 1 : 0) };
  });
}

/** A candidate key point: one sentence, or consecutive sentences of one paragraph that belong together. */
export interface Candidate {
  unit: number[];
}

/** Longest run of sentences a quotation may span and still be one point. */
const MAX_QUOTE_SENTENCES = 3;
const MAX_QUOTE_WORDS = 60;

/**
 * The candidates among the usable sentences. A sentence inside a quotation that opened or closes
 * in another sentence ("…預計12月底。”」 whose 「 is a sentence earlier) becomes the whole
 * quotation, when it is short; otherwise it is no candidate. Notes and captions are none.
 */
export function pointCandidates(reading: ArticleReading): Candidate[] {
  const byParagraph = new Map<number, number[]>();
  for (const s of reading.sentences) {
    const list = byParagraph.get(s.paragraph);
    if (list) list.push(s.index);
    else byParagraph.set(s.paragraph, [s.index]);
  }
  const depth = new Map<number, { start: number; end: number }>();
  for (const indices of byParagraph.values()) {
    const depths = quoteDepths(indices.map((i) => reading.sentences[i]!.text));
    for (const [j, i] of indices.entries()) depth.set(i, depths[j]!);
  }
  const usable = new Set(reading.usable);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const i of reading.usable) {
    const text = reading.sentences[i]!.text;
    if (isNotNews(text)) continue;
    const d = depth.get(i)!;
    if (d.start === 0 && d.end === 0) {
      out.push({ unit: [i] });
      continue;
    }
    // Widen to the quotation: back to where it opens, forward to where it closes, in this paragraph.
    const paragraph = reading.sentences[i]!.paragraph;
    let from = i;
    while (depth.get(from)!.start > 0 && reading.sentences[from - 1]?.paragraph === paragraph) from--;
    let to = i;
    while (depth.get(to)!.end > 0 && reading.sentences[to + 1]?.paragraph === paragraph) to++;
    if (depth.get(from)!.start > 0 || depth.get(to)!.end > 0) continue;
    const unit = Array.from({ length: to - from + 1 }, (_, j) => from + j);
    if (unit.length > MAX_QUOTE_SENTENCES || !unit.every((j) => usable.has(j))) continue;
    if (unit.reduce((n, j) => n + lengthOf(reading.sentences[j]!.text), 0) > MAX_QUOTE_WORDS) continue;
    const key = unit.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ unit });
  }
  return out;
}
