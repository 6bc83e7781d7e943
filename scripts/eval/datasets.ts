import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalLanguage } from './rouge.js';

/**
 * Readers for the evaluation samples in ../shared/eval (see its README for the formats). Parsers
 * take file contents, so tests can feed them small hand-made inputs.
 */

export interface EvalItem {
  dataset: string;
  id: string;
  language: EvalLanguage;
  /** The article as a source would hand it over, web junk included. */
  body: string;
  /** Reference key points, one sentence each. */
  references: string[];
  /** The corpus's fixed split: tune on train, choose on dev, report test. Samples outside the corpus have none. */
  split?: Split;
}

export type Split = 'train' | 'dev' | 'test';
export const SPLITS: readonly Split[] = ['train', 'dev', 'test'];

/**
 * `corpus/en.jsonl` or `corpus/zh.jsonl`: one JSON object a line with text, reference sentences and
 * split. Lines that are not such an object are skipped.
 */
export function parseCorpus(text: string): EvalItem[] {
  const items: EvalItem[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      continue;
    }
    const r = row as { id?: unknown; lang?: unknown; text?: unknown; reference?: unknown; split?: unknown };
    if (typeof r.id !== 'string' || typeof r.text !== 'string' || !Array.isArray(r.reference)) continue;
    if (r.lang !== 'en' && r.lang !== 'zh') continue;
    if (r.split !== 'train' && r.split !== 'dev' && r.split !== 'test') continue;
    const references = r.reference.filter((x): x is string => typeof x === 'string' && x.trim() !== '');
    if (references.length === 0 || r.text.trim() === '') continue;
    items.push({ dataset: `corpus-${r.lang}`, id: r.id, language: r.lang, body: r.text, references, split: r.split });
  }
  return items;
}

/** Both corpus files under `dir/corpus`, English first; missing files are skipped. */
export function loadCorpus(dir: string): EvalItem[] {
  const items: EvalItem[] = [];
  for (const file of ['en.jsonl', 'zh.jsonl']) {
    const path = join(dir, 'corpus', file);
    if (existsSync(path)) items.push(...parseCorpus(readFileSync(path, 'utf8')));
  }
  return items;
}

/** A CNN `.story` file: the article, then each highlight on the line after `@highlight`. */
export function parseCnnStory(id: string, text: string): EvalItem {
  const [article = '', ...rest] = text.replace(/\r\n?/g, '\n').split(/^@highlight\s*$/m);
  const references = rest.map((block) => block.trim()).filter(Boolean);
  return { dataset: 'cnn', id, language: 'en', body: article.trim(), references };
}

/** Splits a Chinese reference summary into sentences (after 。！？, keeping closing quotes). */
export function splitChineseSummary(summary: string): string[] {
  return (summary.match(/[^。！？!?]+(?:[。！？!?]+[”’」』]*|$)/gu) ?? []).map((s) => s.trim()).filter(Boolean);
}

function unescapeJsonString(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    return value;
  }
}

/** `clts-samples.txt`: `Sample N`, then a JSON line with "summarization", then one with "article". */
export function parseClts(text: string): EvalItem[] {
  return parseSampleBlocks(text, 'clts', /^\{"summarization"\s*:\s*"(.*)"\}\s*$/);
}

/**
 * `clts-plus-samples.txt`: not JSON line by line (the key is written `"CLTS Summary:"`), so it is
 * read with patterns. The original CLTS summary is the reference; the rewritten one is abstractive.
 */
export function parseCltsPlus(text: string): EvalItem[] {
  return parseSampleBlocks(text, 'clts-plus', /^\{"CLTS Summary"?\s*:\s*"(.*)"\}\s*$/);
}

/** Both CLTS files: `Sample N` blocks with a summary line (matched by `summaryLine`) and an article line. */
function parseSampleBlocks(text: string, dataset: 'clts' | 'clts-plus', summaryLine: RegExp): EvalItem[] {
  const items: EvalItem[] = [];
  let id = '';
  let summary: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const sample = /^Sample\s+(\d+)/.exec(line);
    if (sample) {
      id = `${dataset}-${sample[1]}`;
      summary = undefined;
      continue;
    }
    const s = summaryLine.exec(line);
    if (s) summary = unescapeJsonString(s[1]!);
    const a = /^\{"article"\s*:\s*"(.*)"\}\s*$/.exec(line);
    if (a && summary !== undefined) {
      items.push({ dataset, id, language: 'zh', body: unescapeJsonString(a[1]!), references: splitChineseSummary(summary) });
    }
  }
  return items;
}

/** Every sample found under `dir` (corpus first, then the further checks); files that are missing are skipped. */
export function loadEvalItems(dir: string): EvalItem[] {
  const items: EvalItem[] = loadCorpus(dir);
  const cnn = join(dir, 'cnn');
  if (existsSync(cnn)) {
    for (const file of readdirSync(cnn)
      .filter((f) => f.endsWith('.story'))
      .sort()) {
      items.push(parseCnnStory(file.replace(/\.story$/, ''), readFileSync(join(cnn, file), 'utf8')));
    }
  }
  const clts = join(dir, 'clts-samples.txt');
  if (existsSync(clts)) items.push(...parseClts(readFileSync(clts, 'utf8')));
  const plus = join(dir, 'clts-plus-samples.txt');
  if (existsSync(plus)) items.push(...parseCltsPlus(readFileSync(plus, 'utf8')));
  return items.filter((item) => item.references.length > 0 && item.body.trim() !== '');
}
