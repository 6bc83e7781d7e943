import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, parseClts, parseCorpus, parseCltsPlus, parseCnnStory, splitChineseSummary } from '../../scripts/eval/datasets.js';
import { lcsLength, rouge, rougeL, rougeN, rougeTokens } from '../../scripts/eval/rouge.js';
import { formatTable, leadSentences, oracleSentences, runEval } from '../../scripts/eval/run.js';

describe('rougeTokens', () => {
  it('splits English into lower-cased words without punctuation', () => {
    expect(rougeTokens('The Cat, sat!', 'en')).toEqual(['the', 'cat', 'sat']);
  });

  it('splits Chinese into characters without punctuation or spaces, Latin lower-cased', () => {
    expect(rougeTokens('人才 流失,AI。', 'zh')).toEqual(['人', '才', '流', '失', 'a', 'i']);
  });
});

describe('rougeN', () => {
  it('scores identical text 1 and disjoint text 0', () => {
    expect(rougeN(['a', 'b', 'c'], ['a', 'b', 'c'], 1)).toBe(1);
    expect(rougeN(['a', 'b'], ['c', 'd'], 2)).toBe(0);
  });

  it('computes F1 from clipped overlaps', () => {
    // candidate: the the cat (3); reference: the cat sat on (4); overlap: the, cat = 2 -> P 2/3, R 2/4
    expect(rougeN(['the', 'the', 'cat'], ['the', 'cat', 'sat', 'on'], 1)).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5), 10);
    // bigrams: (the the)(the cat) vs (the cat)(cat sat)(sat on): overlap 1 -> P 1/2, R 1/3
    expect(rougeN(['the', 'the', 'cat'], ['the', 'cat', 'sat', 'on'], 2)).toBeCloseTo(0.4, 10);
  });

  it('scores empty input 0', () => {
    expect(rougeN([], ['a'], 1)).toBe(0);
  });
});

describe('rougeL', () => {
  it('uses the longest common subsequence', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    expect(rougeL(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBeCloseTo(0.75, 10);
  });
});

describe('rouge', () => {
  it('scores a candidate against several reference sentences', () => {
    const scores = rouge(['人才流失。'], ['人才流失嚴重。'], 'zh');
    expect(scores.rouge1).toBeCloseTo((2 * 1 * (4 / 6)) / (1 + 4 / 6), 10);
    expect(scores.rougeL).toBeCloseTo(scores.rouge1, 10);
  });
});

describe('parseCnnStory', () => {
  it('separates the article from its highlights', () => {
    const item = parseCnnStory('x', 'First paragraph.\n\nSecond.\n\n@highlight\n\nPoint one\n\n@highlight\n\nPoint two');
    expect(item.body).toBe('First paragraph.\n\nSecond.');
    expect(item.references).toEqual(['Point one', 'Point two']);
  });
});

describe('parseClts', () => {
  it('reads Sample blocks with JSON summary and article lines', () => {
    const items = parseClts('Sample 1\n{"summarization":"第一句。第二句！"}\n{"article":"文章\\n內容。"}\n');
    expect(items).toEqual([{ dataset: 'clts', id: 'clts-1', language: 'zh', body: '文章\n內容。', references: ['第一句。', '第二句！'] }]);
  });
});

describe('parseCltsPlus', () => {
  it('reads the "CLTS Summary:" key with a pattern, not JSON.parse', () => {
    const text = 'Sample 7\n{"CLTS+ Summary":"改寫。"}\n{"CLTS Summary:"原始摘要。"}\n{"article":"正文。"}\n';
    expect(parseCltsPlus(text)).toEqual([{ dataset: 'clts-plus', id: 'clts-plus-7', language: 'zh', body: '正文。', references: ['原始摘要。'] }]);
  });
});

describe('parseCorpus', () => {
  it('reads corpus lines with their split and skips lines that are not items', () => {
    const text =
      '{"id":"a","lang":"zh","text":"正文。","reference":["標題"],"split":"dev"}\nnot json\n{"id":"b","lang":"en","text":"x","reference":[],"split":"train"}\n';
    expect(parseCorpus(text)).toEqual([{ dataset: 'corpus-zh', id: 'a', language: 'zh', body: '正文。', references: ['標題'], split: 'dev' }]);
  });
});

describe('splitChineseSummary', () => {
  it('keeps closing quotes with their sentence', () => {
    expect(splitChineseSummary('他說:“好。”然後離開。')).toEqual(['他說:“好。”', '然後離開。']);
  });
});

const threeSentences = { paragraphs: ['One is first. Two is second.', 'Three is third.'], language: 'en' };

describe('leadSentences', () => {
  it('takes the first k sentences, across paragraphs', () => {
    expect(leadSentences(threeSentences, 2)).toEqual(['One is first.', 'Two is second.']);
    expect(leadSentences(threeSentences, 5)).toEqual(['One is first.', 'Two is second.', 'Three is third.']);
  });
});

describe('oracleSentences', () => {
  it('picks the sentences closest to the reference', () => {
    expect(oracleSentences(threeSentences, ['Three is third.'], 1, 'en')).toEqual(['Three is third.']);
  });
});

describe('runEval', () => {
  it('scores the extractor on cleaned articles, without their web junk, and prints a table', () => {
    const body = [
      'LONDON (CNN) -- The museum reopened on Monday after a two-year renovation costing $50 million.',
      'Visitors queued from early morning to see the new galleries.  Watch the reopening »',
      'The renovation added three floors and a rooftop garden.',
      'The director said ticket prices would stay the same. E-mail to a friend',
    ].join('\n\n');
    const report = runEval([{ dataset: 'cnn', id: 'm', language: 'en', body, references: ['Museum reopens after $50 million renovation'] }]);
    expect(report.items).toHaveLength(1);
    expect(report.items[0]!.keyPoints).toHaveLength(1);
    expect(report.items[0]!.keyPoints.join(' ')).not.toMatch(/Watch|E-mail/);
    expect(formatTable(report)).toMatch(/cnn samples\s+all\s+1\s/);
  });
});

describe('npm run eval', () => {
  it('skips with a message and exit code 0 when there is no evaluation data', async () => {
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('npx', ['tsx', 'scripts/eval.ts'], {
        env: { ...process.env, NEWSLETTER_EVAL_DIR: '/nonexistent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(result.code).toBe(0);
    expect(result.output).toContain('eval: skipped, no evaluation data at /nonexistent (set NEWSLETTER_EVAL_DIR to point elsewhere)');
    expect(result.output).not.toContain('wrote ');
  });
});

/**
 * Acceptance guard on the corpus's test split (never tuned on): at equal k, the extractor is at or
 * above LEAD-k on ROUGE-1 and ROUGE-2 and ahead of LEAD on at least as many articles as it is behind;
 * and it keeps the ROUGE-1 margin the current model has (English +1.3, Chinese +1.0 to +1.6 on test):
 * a refit that falls back to LEAD fails here.
 */
const sharedEval = path.resolve('../shared/eval');
const hasCorpus = existsSync(path.join(sharedEval, 'corpus'));
const skipped = hasCorpus ? '' : ` (SKIPPED: no evaluation corpus at ${sharedEval}/corpus; the quality guard did not run)`;
if (!hasCorpus) console.warn(`extractor quality guard SKIPPED: no corpus at ${sharedEval}/corpus`);

describe(`extractKeyPoints on the corpus test split${skipped}`, () => {
  const report = hasCorpus ? runEval(loadCorpus(sharedEval), { splits: ['test'] }) : undefined;
  const rows: [string, number][] = [
    ['en news, k = ref', 0.01],
    ['zh headline, k = 1', 0.005],
    ['zh headline, k = 2', 0.005],
    ['zh headline, k = 3', 0.01],
  ];

  it.skipIf(!hasCorpus).each(rows)('%s: above LEAD-k on ROUGE-1 (by at least %f) and ROUGE-2, wins >= losses', (row, margin) => {
    const group = report!.groups.find((g) => g.group === row && g.split === 'test');
    expect(group?.items).toBeGreaterThanOrEqual(150);
    expect(group!.scores.extractor.rouge1).toBeGreaterThanOrEqual(group!.scores.lead.rouge1 + margin);
    expect(group!.scores.extractor.rouge2).toBeGreaterThanOrEqual(group!.scores.lead.rouge2);
    expect(group!.wins).toBeGreaterThanOrEqual(group!.losses);
  });
});
