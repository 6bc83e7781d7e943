import { cosine, normalise, startsWithReference, withoutQuotes, type ArticleReading } from './features.js';

/**
 * Key points of commentary (opinion pieces). The corpus the model learned from is news, whose
 * lead carries the facts; a commentary builds an argument over the whole piece, section by
 * section. So its points are chosen per topical zone (sections found by lexical cohesion), one
 * informative sentence per zone, and sentences that only steer the reader (lead-ins, questions,
 * words to "you", closing sayings) give way to sentences that state something.
 */

/**
 * Lead-ins: the writer turning to the reader or announcing what comes next, rather than saying it
 * ("看看…", "你要說…", "這就要說到…", "Consider…", "Let's look at…"). Rules as data: each is a
 * common rhetorical opening of Chinese or English commentary, not a word of one article.
 */
const LEAD_IN =
  /^[“「"]?(?:看看|試想|试想|想想|想像一下|想象一下|你看|你要說|你要说|要說|要说|說到|说到|談到|谈到|提到|不知道大家|大家(?:知道|都知道|有沒有|有没有)|這就要說到|这就要说到|這就(?:不得不)?(?:說|说|提|談|谈)|讓我們|让我们|我們來看|我们来看|下面|接下來|接下来)|^(?:consider|imagine|think about|look at|take|let's|let us|here's|here is|now,)\b/iu;
/** The writer speaking to the reader ("你", "you"), outside quotations: steering, not stating. */
const READER_ADDRESS = /你|您|\b[Yy]ou(?:r|'re|'ll)?\b/u;

/** What a sentence carries: figures and names (Latin words or capitalised words). */
export function carriesFacts(text: string): boolean {
  return /\d/u.test(text) || /[A-Z][A-Za-z0-9-]+/u.test(text.slice(1));
}

/**
 * A sentence that steers rather than states: a question the writer asks, an opening that turns
 * to the reader or announces what follows, or a sentence spoken to "you" — unless it also carries
 * figures or names (then the lead-in only frames a fact, as in "看看當年…: 臺積電前高管…").
 */
export function steers(text: string): boolean {
  const own = withoutQuotes(text);
  if (/[?？]/u.test(own)) return true;
  if (carriesFacts(text)) return false;
  return LEAD_IN.test(text) || READER_ADDRESS.test(own);
}

/** Sentences on each side of a break whose words are compared to see whether the topic changes there. */
const COHESION_WINDOW = 3;
/** How far (as a share of a zone's length) a cut may move from the even split towards a topic change. */
const CUT_REACH = 0.4;

/**
 * Topical zones: the article cut into `k` zones of about equal length, each cut moved to the
 * paragraph break nearby where the words change most (lexical cohesion, as in TextTiling: the
 * similarity of the sentences just before and just after the break). Returns the zone of each
 * sentence.
 */
export function topicZones(reading: ArticleReading, k: number, end = reading.sentences.length): number[] {
  const { sentences, vectors } = reading;
  const n = Math.max(1, Math.min(end, sentences.length));
  if (k <= 1 || n < 2) return new Array<number>(n).fill(0);
  const breaks: number[] = [];
  for (let i = 1; i < n; i++) if (sentences[i]!.paragraph !== sentences[i - 1]!.paragraph) breaks.push(i);
  const candidates = breaks.length >= k - 1 ? breaks : Array.from({ length: n - 1 }, (_, i) => i + 1);
  const windowVector = (from: number, to: number): Map<string, number> => {
    const sum = new Map<string, number>();
    for (let i = Math.max(0, from); i < Math.min(n, to); i++) for (const [t, w] of vectors[i]!) sum.set(t, (sum.get(t) ?? 0) + w);
    return normalise(sum);
  };
  const start = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + sentences[i]!.text.length;
  const total = start[n]! || 1;
  const zoneLength = total / k;
  const cohesion = new Map<number, number>();
  const cuts: number[] = [];
  for (let z = 1; z < k; z++) {
    const target = z * zoneLength;
    let pick = -1;
    let pickValue = Infinity;
    for (const g of candidates) {
      if (g <= (cuts[cuts.length - 1] ?? 0)) continue;
      const distance = Math.abs(start[g]! - target) / zoneLength;
      if (distance > CUT_REACH) continue;
      let similarity = cohesion.get(g);
      if (similarity === undefined) {
        similarity = cosine(windowVector(g - COHESION_WINDOW, g), windowVector(g, g + COHESION_WINDOW));
        cohesion.set(g, similarity);
      }
      // Ties (and near ties) go to the break nearer the even split.
      const value = similarity + distance * 0.1;
      if (value < pickValue) {
        pickValue = value;
        pick = g;
      }
    }
    if (pick < 0) {
      // No paragraph break near enough: cut at the sentence nearest the even split.
      pick = Math.max(
        (cuts[cuts.length - 1] ?? 0) + 1,
        Math.min(
          n - 1,
          start.findIndex((x) => x >= target),
        ),
      );
    }
    if (pick > (cuts[cuts.length - 1] ?? 0) && pick < n) cuts.push(pick);
  }
  const out: number[] = [];
  let zone = 0;
  for (let i = 0; i < sentences.length; i++) {
    while (zone < cuts.length && i >= cuts[zone]!) zone++;
    out.push(zone);
  }
  return out;
}

/** The closing of a commentary: its last paragraphs, up to this share of the text. */
const CLOSING_SHARE = 0.1;

/**
 * Where the closing of a commentary starts (a sentence index): the last whole paragraphs that
 * together make up at most CLOSING_SHARE of the text. A closing sums up or ends on a saying; its
 * sentences restate what the points already say, so they are not points unless they carry facts.
 */
export function closingStart(reading: ArticleReading): number {
  const { sentences } = reading;
  const total = sentences.reduce((n, s) => n + s.text.length, 0);
  let at = sentences.length;
  let length = 0;
  while (at > 0) {
    const paragraph = sentences[at - 1]!.paragraph;
    let from = at;
    let add = 0;
    while (from > 0 && sentences[from - 1]!.paragraph === paragraph) add += sentences[--from]!.text.length;
    if (length + add > CLOSING_SHARE * total || from === 0) break;
    length += add;
    at = from;
  }
  return at;
}

/**
 * Openings that lean on the sentence before: a pronoun or connective (`startsWithReference`), or a
 * place or time phrase that points back ("在那邊…", "在這裡…", "In that lab…", "At that time…").
 */
const DEICTIC_START = /^[“「"]?(?:在(?:那|這|这|此)|那時|那时)|^["“]?(?:in|at|from) (?:that|those|this|these)\b/iu;

export function leansOnBefore(text: string): boolean {
  return startsWithReference(text) || DEICTIC_START.test(text);
}

/** Commentary: whether sentence `i` leans on the sentence before it in its paragraph (see `leansOnBefore`). */
export function pointsBack(reading: ArticleReading, i: number): boolean {
  const s = reading.sentences[i]!;
  return leansOnBefore(s.text) && i > 0 && reading.sentences[i - 1]!.paragraph === s.paragraph;
}
