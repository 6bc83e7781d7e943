import { cleanArticle } from '../../functions/core/articles/clean.js';
import type { Article } from '../../functions/core/article.js';
import { extractKeyPoints } from '../../functions/core/keypoints/extract.js';
import { localeOf, splitSentences } from '../../functions/core/keypoints/segment.js';
import type { EvalItem } from './datasets.js';
import { meanScores, rouge, rougeN, rougeTokens, type EvalLanguage, type RougeScores } from './rouge.js';

/**
 * Scores the embedded extractor against LEAD-k (the first k sentences) and a greedy oracle (the
 * best k sentences for ROUGE, an upper bound for any sentence extractor), on the same cleaned text.
 */

export const SYSTEMS = ['extractor', 'lead', 'oracle'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface ItemResult {
  dataset: string;
  id: string;
  language: EvalLanguage;
  k: number;
  scores: Record<SystemName, RougeScores>;
  keyPoints: string[];
}

export interface GroupSummary {
  group: string;
  items: number;
  scores: Record<SystemName, RougeScores>;
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

/** Greedy oracle: adds the sentence that most improves ROUGE-1 + ROUGE-2 F1 until k or no gain. */
export function oracleSentences(article: Pick<Article, 'paragraphs' | 'language'>, references: readonly string[], k: number, language: EvalLanguage): string[] {
  const locale = localeOf(article.language);
  const sentences = article.paragraphs.flatMap((p) => splitSentences(p, locale));
  const tokens = sentences.map((s) => rougeTokens(s, language));
  const ref = rougeTokens(references.join(' '), language);
  const chosen: number[] = [];
  let bestSoFar = 0;
  while (chosen.length < k) {
    let pick = -1;
    let pickValue = bestSoFar;
    for (let i = 0; i < sentences.length; i++) {
      if (chosen.includes(i)) continue;
      const candidate = [...chosen, i].sort((a, b) => a - b).flatMap((j) => tokens[j]!);
      const value = rougeN(candidate, ref, 1) + rougeN(candidate, ref, 2);
      if (value > pickValue) {
        pickValue = value;
        pick = i;
      }
    }
    if (pick < 0) break;
    chosen.push(pick);
    bestSoFar = pickValue;
  }
  return chosen.sort((a, b) => a - b).map((i) => sentences[i]!);
}

/** Runs every system on every item and averages per dataset and per language. */
export function runEval(items: readonly EvalItem[]): EvalReport {
  const results: ItemResult[] = [];
  const skipped: EvalReport['skipped'] = [];
  for (const item of items) {
    const cleaned = cleanArticle({ location: `${item.dataset}/${item.id}`, format: 'text', body: item.body });
    if (!cleaned.ok) {
      skipped.push({ dataset: item.dataset, id: item.id, reason: cleaned.reason });
      continue;
    }
    const article = cleaned.article;
    const k = item.references.length || 3;
    const keyPoints = extractKeyPoints(article, { max: k }).keyPoints;
    results.push({
      dataset: item.dataset,
      id: item.id,
      language: item.language,
      k,
      keyPoints,
      scores: {
        extractor: rouge(keyPoints, item.references, item.language),
        lead: rouge(leadSentences(article, k), item.references, item.language),
        oracle: rouge(oracleSentences(article, item.references, k, item.language), item.references, item.language),
      },
    });
  }
  const groups: GroupSummary[] = [];
  const groupBy = (name: string, filter: (r: ItemResult) => boolean): void => {
    const members = results.filter(filter);
    if (members.length === 0) return;
    const scores = Object.fromEntries(SYSTEMS.map((s) => [s, meanScores(members.map((m) => m.scores[s]))])) as Record<SystemName, RougeScores>;
    groups.push({ group: name, items: members.length, scores });
  };
  for (const dataset of [...new Set(results.map((r) => r.dataset))]) groupBy(dataset, (r) => r.dataset === dataset);
  groupBy('all English', (r) => r.language === 'en');
  groupBy('all Chinese', (r) => r.language === 'zh');
  return { items: results, groups, skipped };
}

/** The report as a fixed-width table, ROUGE figures as percentages. */
export function formatTable(report: EvalReport): string {
  const pct = (x: number): string => (100 * x).toFixed(2).padStart(6);
  const lines = [`${'group'.padEnd(14)}${'n'.padStart(4)}  ${'system'.padEnd(10)}${'R-1'.padStart(8)}${'R-2'.padStart(8)}${'R-L'.padStart(8)}`];
  lines.push('-'.repeat(lines[0]!.length));
  for (const g of report.groups) {
    SYSTEMS.forEach((system, i) => {
      const s = g.scores[system];
      const head = i === 0 ? `${g.group.padEnd(14)}${String(g.items).padStart(4)}` : ' '.repeat(18);
      lines.push(`${head}  ${system.padEnd(10)}${pct(s.rouge1).padStart(8)}${pct(s.rouge2).padStart(8)}${pct(s.rougeL).padStart(8)}`);
    });
  }
  return lines.join('\n');
}
