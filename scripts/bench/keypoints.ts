import { extractKeyPoints } from '../../functions/core/key-points/extract.js';

/**
 * Times the embedded extractor on synthetic ~1 MB articles (Chinese and English): the worst case
 * a folder or feed can hand over. The extractor caps its work, so this should stay well under a second.
 */

const TARGET_BYTES = 1_000_000;
const RUNS = 5;

const ZH_SENTENCES = [
  '2025年,多家科技公司以超過2億美元的薪酬包招攬頂尖人工智能研究人員。',
  '研究人員離開時帶走的不只是勞動力,還有沒寫在教科書上的方法論和試錯經驗。',
  '高校正在和企業聯手建立新的實驗室,試圖複製更開放的創新氛圍。',
  '騰訊把算法大賽的獎金池提高到360萬元,前10名直接獲得核心崗位的錄用通知。',
  '行政流程過於繁瑣,會讓頂尖的大腦把大量精力花在與技術無關的瑣事上。',
];
const EN_SENTENCES = [
  'The company offered a package worth more than $200 million to the lead researcher.',
  'At least eight core members of the team left for a competitor within two months.',
  'Universities are building joint laboratories with industry to keep their best people.',
  'Officials said the bureaucracy costs scientists hours every week that they could spend on research.',
  'A competition with a prize pool of 3.6 million yuan promises jobs to the top ten teams.',
];

/** Paragraphs of three sentences, varied by a counter so that no two are identical. */
export function syntheticArticle(language: 'zh-Hant' | 'en', bytes = TARGET_BYTES): { title: string; paragraphs: string[]; language: string } {
  const source = language === 'en' ? EN_SENTENCES : ZH_SENTENCES;
  const paragraphs: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const paragraph = [0, 1, 2]
      .map((j) => source[(i + j) % source.length]!.replace(/\d+/, (n) => String(Number(n) + (i % 97))))
      .join(language === 'en' ? ' ' : '');
    paragraphs.push(paragraph);
    size += Buffer.byteLength(paragraph, 'utf8');
  }
  return { title: language === 'en' ? 'Talent race' : '人才爭奪戰', paragraphs, language };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeRuns(article: ReturnType<typeof syntheticArticle>): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    extractKeyPoints(article, { max: 8 });
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Median milliseconds per extraction of a ~1 MB Chinese and a ~1 MB English article. */
export async function benchKeyPoints(): Promise<{ name: string; figures: Record<string, number> }> {
  const zh = syntheticArticle('zh-Hant');
  const en = syntheticArticle('en');
  return {
    name: 'key points (embedded extractor, ~1 MB article)',
    figures: {
      'zh 1 MB ms/run (median)': Math.round(timeRuns(zh) * 10) / 10,
      'en 1 MB ms/run (median)': Math.round(timeRuns(en) * 10) / 10,
    },
  };
}
