/**
 * Articles a careless or hostile publisher can hand over, each a megabyte or more, and the CPU
 * time one takes to go through the pipeline. One article must never stall an edition: every
 * rule that reads it has to take time linear in its length.
 */

/** At least a megabyte in any measure: a million UTF-16 characters (3 MB of UTF-8 for Chinese). */
export const MEGABYTE = 1 << 20;

/** Generous, so that it holds on a busy two-core machine; the quadratic rules took minutes. */
export const CPU_BUDGET_SECONDS = 2;

/** `piece` repeated to exactly `length` characters. */
export function fill(piece: string, length = MEGABYTE): string {
  return piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
}

/** CPU seconds (user and system) that `work` takes: steadier than the wall clock on a shared machine. */
export function cpuSeconds(work: () => unknown): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

const HAN_RUN = '人才流失是一種技術失血龐若鳴跳槽的消息剛爆出來朋友圈就跟炸了一樣';
/** Long URLs with their own , ; ? & glued to Chinese text that has half-width commas to convert. */
const URLS_IN_CHINESE = `網址https://例子.tw/新聞?id=3,第2頁;q=${'a'.repeat(2000)}&x=1 人才流失,技術失血。看www.example.com/a,b;c 回流,好。`;

/** Bits of markup, quotes and abbreviations that made one rule or another take quadratic time. */
const PATHOLOGICAL_PIECES = [
  '人,'.repeat(300),
  '人?!'.repeat(200),
  '![',
  '![圖](',
  '[連結](',
  '[[',
  '[a][',
  '**粗 ',
  '__粗 ',
  '<!--',
  `# 標題${' '.repeat(300)}x`,
  `標題${'#'.repeat(300)}x`,
  '“'.repeat(300),
  '《（'.repeat(150),
  'A. '.repeat(100),
  'Mr. '.repeat(100),
  'www.',
  'http://',
  `_a${'_a'.repeat(300)}!`,
  `https://example.com${'/'.repeat(300)}a`,
  '<b ',
  '评论(',
  `Watch${' '.repeat(300)}`,
  `${' '.repeat(300)}E-mail to a friend x`,
  '\n\n   \n',
  '- ',
  '1. ',
];

/**
 * The hostile articles: a megabyte of Chinese without a mark or a space, of URLs glued to Chinese,
 * of whitespace, of punctuation, and of everything at once.
 */
export const hostileArticles: Readonly<Record<string, string>> = {
  'unpunctuated Chinese': fill(HAN_RUN),
  'long URLs glued to Chinese':
    `人才回流。\n${`${URLS_IN_CHINESE}\n`.repeat(MEGABYTE / 2 / URLS_IN_CHINESE.length)}` + `開頭https://example.com/${fill('a,', MEGABYTE / 2)}結尾`,
  'a megabyte of spaces': `人才${' '.repeat(MEGABYTE / 2)}flows back${' '.repeat(MEGABYTE / 2)}回流。`,
  'a megabyte of blank lines': `First line.${'\n'.repeat(MEGABYTE / 2)}${fill('  \n', MEGABYTE / 2)}Last line.`,
  'a megabyte of short lines': fill('人才,\n回流。\n'),
  'a megabyte of punctuation': `人才${fill('，。！？、；：“”‘’（）《》【】「」…—,.;:!?()[]{}<>"\'-_*#`~|/\\')}回流。`,
  'everything at once': fill(`${PATHOLOGICAL_PIECES.join('\n')}\n`),
};

/**
 * Lines that one rule or another read in quadratic time: what the rule looks for at their start,
 * then a megabyte of what it tries again and again (spaces, toned letters, "_a").
 */
export const hostileLines: Readonly<Record<string, string>> = {
  'a gloss of a megabyte of toned letters': `人(${'ā'.repeat(MEGABYTE)}x`,
  'a mangled gloss of a megabyte of toned letters': `人?${'ǎ'.repeat(MEGABYTE)}x`,
  'a related heading and a megabyte of spaces': `Related${' '.repeat(MEGABYTE)}x`,
  'a date and a megabyte of spaces': `2025-07-09${' '.repeat(MEGABYTE)}x`,
  'an English date and a megabyte of spaces': `Updated: 4:51${' '.repeat(MEGABYTE)}x`,
  'a title and a megabyte of spaces': `Title${' '.repeat(MEGABYTE)}x`,
  'a title of a megabyte of "_a"': `${fill('_a')}!`,
};
