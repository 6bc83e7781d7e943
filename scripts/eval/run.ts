import { cleanArticle } from '../../functions/core/articles/clean.js';
import type { Article } from '../../functions/core/article.js';
import { extractKeyPoints, type SelectionSettings } from '../../functions/core/key-points/extract.js';
import { localeOf, splitSentences } from '../../functions/core/key-points/segment.js';
import { SPLITS, type EvalItem, type Split } from './datasets.js';
import type { KeyPointExtractor } from '../../functions/ports/key-point-extractor.js';
import { meanScores, rouge, rougeN, rougeTokens, type EvalLanguage, type RougeScores } from './rouge.js';

/**
 * Scores the embedded extractor against LEAD-k (the first k sentences) and a greedy oracle (the
 * best k sentences for ROUGE, an upper bound for any sentence extractor), on the same cleaned text
 * and at the same k: the extractor is asked for exactly k points (`count`), so that the comparison
 * with LEAD is at equal length. English: k = the number of reference sentences. Chinese corpus
 * (one-sentence headline references): k = 1, 2 and 3, each a row of its own.
 */

const SYSTEMS = ['extractor', 'lead', 'oracle'] as const;
type SystemName = (typeof SYSTEMS)[number];

interface ItemResult {
  dataset: string;
  id: string;
  language: EvalLanguage;
  split?: Split;
  k: number;
  scores: Record<SystemName, RougeScores>;
  keyPoints: string[];
  /** Against LEAD-k, on ROUGE-1 + ROUGE-2. */
  outcome: 'win' | 'tie' | 'loss';
}

interface GroupSummary {
  group: string;
  split: Split | 'all';
  items: number;
  scores: Record<SystemName, RougeScores>;
  wins: number;
  ties: number;
  losses: number;
}

export interface EvalReport {
  items: ItemResult[];
  groups: GroupSummary[];
  skipped: { dataset: string; id: string; reason: string }[];
}

/** LEAD-k: the first k sentences of the cleaned article. */
export function leadSentences(article: Pick<Article, 'paragraphs' | 'language'>, k: number): string[] {
  const locale = localeOf(article.language);
  const out: string[] = [];
  for (const p of article.paragraphs) {
    for (const s of splitSentences(p, locale)) {
      if (out.length >= k) return out;
      out.push(s);
    }
  }
  return out;
}

/**
 * Greedy oracle over token lists: adds the sentence that most improves ROUGE-1 + ROUGE-2 F1 until
 * k or no gain. Returns the chosen indices in article order.
 */
export function greedyOracle(sentences: readonly (readonly string[])[], reference: readonly string[], k: number): number[] {
  const chosen: number[] = [];
  let bestSoFar = 0;
  while (chosen.length < k) {
    let pick = -1;
    let pickValue = bestSoFar;
    for (let i = 0; i < sentences.length; i++) {
      if (chosen.includes(i)) continue;
      const candidate = [...chosen, i].sort((a, b) => a - b).flatMap((j) => sentences[j]!);
      const value = rougeN(candidate, reference, 1) + rougeN(candidate, reference, 2);
      if (value > pickValue) {
        pickValue = value;
        pick = i;
      }
    }
    if (pick < 0) break;
    chosen.push(pick);
    bestSoFar = pickValue;
  }
  return chosen.sort((a, b) => a - b);
}

/** The oracle's sentences of an article (see `greedyOracle`). */
export function oracleSentences(article: Pick<Article, 'paragraphs' | 'language'>, references: readonly string[], k: number, language: EvalLanguage): string[] {
  const locale = localeOf(article.language);
  const sentences = article.paragraphs.flatMap((p) => splitSentences(p, locale));
  const picked = greedyOracle(
    sentences.map((s) => rougeTokens(s, language)),
    rougeTokens(references.join(' '), language),
    k,
  );
  return picked.map((i) => sentences[i]!);
}

/** The lengths each item is scored at: the reference's sentence count, or 1..3 for a headline corpus. */
function lengthsFor(item: EvalItem): number[] {
  if (item.dataset === 'corpus-zh') return [1, 2, 3];
  return [item.references.length || 3];
}

/** Row label of an item at length k. */
function groupOf(item: Pick<ItemResult, 'dataset' | 'k'>): string {
  if (item.dataset === 'corpus-en') return 'en news, k = ref';
  if (item.dataset === 'corpus-zh') return `zh headline, k = ${item.k}`;
  return `${item.dataset} samples`;
}

function outcomeOf(extractor: RougeScores, lead: RougeScores): ItemResult['outcome'] {
  const diff = extractor.rouge1 + extractor.rouge2 - (lead.rouge1 + lead.rouge2);
  return Math.abs(diff) < 1e-9 ? 'tie' : diff > 0 ? 'win' : 'loss';
}

/** Runs every system on every item (optionally only some splits) and summarises per row and split. */
export interface EvalOptions {
  splits?: readonly Split[];
  selection?: Partial<SelectionSettings>;
  /** Points another extractor gave (`extractorPoints`), by `pointsKey`; the embedded extractor's otherwise. */
  points?: ReadonlyMap<string, string[]>;
}

const pointsKey = (item: Pick<EvalItem, 'dataset' | 'id'>, k: number): string => `${item.dataset}/${item.id}/${k}`;

/**
 * Asks any extractor (an LLM endpoint included) for each item's points at each k, on the same cleaned
 * text `runEval` scores, so its table is comparable with the embedded extractor's.
 */
export async function extractorPoints(
  items: readonly EvalItem[],
  extractor: KeyPointExtractor,
  onItem?: (done: number) => void,
): Promise<Map<string, string[]>> {
  const points = new Map<string, string[]>();
  let done = 0;
  for (const item of items) {
    const cleaned = cleanArticle({ location: `${item.dataset}/${item.id}`, format: 'text', body: item.body });
    if (cleaned.ok)
      for (const k of lengthsFor(item)) points.set(pointsKey(item, k), (await extractor.extract(cleaned.article, { max: k, count: k })).keyPoints);
    onItem?.(++done);
  }
  return points;
}

export function runEval(items: readonly EvalItem[], options: EvalOptions = {}): EvalReport {
  const results: ItemResult[] = [];
  const skipped: EvalReport['skipped'] = [];
  for (const item of items) {
    if (options.splits && item.split && !options.splits.includes(item.split)) continue;
    const cleaned = cleanArticle({ location: `${item.dataset}/${item.id}`, format: 'text', body: item.body });
    if (!cleaned.ok) {
      skipped.push({ dataset: item.dataset, id: item.id, reason: cleaned.reason });
      continue;
    }
    const article = cleaned.article;
    for (const k of lengthsFor(item)) {
      const keyPoints =
        options.points?.get(pointsKey(item, k)) ??
        extractKeyPoints(article, { max: k, count: k, ...(options.selection ? { selection: options.selection } : {}) }).keyPoints;
      const extractor = rouge(keyPoints, item.references, item.language);
      const lead = rouge(leadSentences(article, k), item.references, item.language);
      results.push({
        dataset: item.dataset,
        id: item.id,
        language: item.language,
        ...(item.split ? { split: item.split } : {}),
        k,
        keyPoints,
        outcome: outcomeOf(extractor, lead),
        scores: { extractor, lead, oracle: rouge(oracleSentences(article, item.references, k, item.language), item.references, item.language) },
      });
    }
  }
  const groups: GroupSummary[] = [];
  for (const group of [...new Set(results.map(groupOf))]) {
    for (const split of [...SPLITS, 'all'] as const) {
      const members = results.filter((r) => groupOf(r) === group && (split === 'all' ? r.split === undefined : r.split === split));
      if (members.length === 0) continue;
      const scores = Object.fromEntries(SYSTEMS.map((s) => [s, meanScores(members.map((m) => m.scores[s]))])) as Record<SystemName, RougeScores>;
      const count = (o: ItemResult['outcome']): number => members.filter((m) => m.outcome === o).length;
      groups.push({ group, split, items: members.length, scores, wins: count('win'), ties: count('tie'), losses: count('loss') });
    }
  }
  return { items: results, groups, skipped };
}

/** The report as a fixed-width table, ROUGE F1 in %, with win/tie/loss against LEAD. */
export function formatTable(report: EvalReport): string {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const triple = (s: RougeScores): string => `${pct(s.rouge1)}/${pct(s.rouge2)}/${pct(s.rougeL)}`.padStart(16);
  const header =
    `${'row'.padEnd(20)}${'split'.padEnd(6)}${'n'.padStart(5)}  ` +
    `${'extractor'.padStart(16)}${'LEAD-k'.padStart(16)}${'oracle'.padStart(16)}  ${'vs LEAD W/T/L'.padStart(14)}`;
  const lines = [header, `${''.padEnd(31)}  ${'(ROUGE-1/2/L F1, %)'.padStart(48)}`, '-'.repeat(header.length)];
  for (const g of report.groups) {
    lines.push(
      `${g.group.padEnd(20)}${g.split.padEnd(6)}${String(g.items).padStart(5)}  ` +
        `${triple(g.scores.extractor)}${triple(g.scores.lead)}${triple(g.scores.oracle)}  ${`${g.wins}/${g.ties}/${g.losses}`.padStart(14)}`,
    );
  }
  return lines.join('\n');
}
