/**
 * Cleaning rules as data: each rule removes one kind of web junk that publishers leave in article
 * text (follow prompts, editor credits, platform disclaimers, image placeholders, pinyin glosses...).
 * `cleanArticle` applies them in order; adding a kind of junk means adding a rule here and a test
 * for it, not editing the cleaner.
 */

/** Which articles a rule is meant for: Chinese (either script), English, or any language. */
type RuleLanguage = 'zh' | 'en' | 'any';

interface RuleBase {
  /** Stable kebab-case id, used in tests and reports. */
  id: string;
  description: string;
  languages: readonly RuleLanguage[];
  /**
   * The rule rewrites text rather than removing junk, so it runs only on articles known to be in
   * one of `languages`, never on an article of unknown language (Japanese also writes Han).
   */
  knownLanguageOnly?: boolean;
}

/**
 * Rewrites text inside a line (removing glosses, placeholders, stray tags...). The pattern must
 * take time linear in the length of the line, whatever the line holds (a megabyte of Chinese
 * without a space, of spaces, of punctuation): `tests/core/articles/cleaning-rules.test.ts` runs
 * every rule on such text.
 */
export interface InlineRule extends RuleBase {
  kind: 'inline';
  pattern: RegExp;
  /** The text put in place of each match, or a function of the match and its capture groups. */
  replacement: string | ((match: string, ...groups: (string | undefined)[]) => string);
}

/** Drops whole lines; `dropRest` also drops every line after the match (a "related" tail). */
export interface LineRule extends RuleBase {
  kind: 'line';
  /**
   * `junk` lines are dropped before the title is chosen; `caption` lines only after, because a
   * headline looks like a caption (short, no full stop).
   */
  phase: 'junk' | 'caption';
  test: (line: string) => boolean;
  dropRest?: boolean;
}

export type CleaningRule = InlineRule | LineRule;

/**
 * Marks text that was damaged before it reached us (a mangled gloss, half an HTML tag). The
 * cleaner drops every sentence that contains it: a missing sentence reads better than junk.
 */
export const GARBLED_MARK = '\uFFFD';

const HAN = '\\p{Script=Han}';
/**
 * Where a pattern that starts with optional spaces may start: not inside a run of spaces, where it
 * would only find what it finds from the start of the run, after reading the run again (from each
 * of a megabyte of spaces, in quadratic time).
 */
const AT_SPACES_START = String.raw`(?:(?<!\s)|(?=\S))`;
/** One pinyin syllable: Latin letters with at least one tone mark or ü (a bare word is not a gloss). */
const TONED = 'āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ';
// No mark before the first one: a long run of marked letters is then read once, not split every
// possible way (in time quadratic in its length).
const PINYIN_SYLLABLE = `[a-zA-Z]*[${TONED}][a-zA-Z${TONED}]*`;
const PINYIN = `${PINYIN_SYLLABLE}(?:[ '’-]${PINYIN_SYLLABLE}){0,3}`;
const HTML_TAGS =
  'a|abbr|b|big|blockquote|br|center|code|div|em|figcaption|figure|font|h[1-6]|hr|i|iframe|img|li|mark|ol|p|pre|' +
  'section|small|span|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul';

/** Terminal punctuation of a sentence in either language, optionally followed by closing quotes. */
const ENDS_LIKE_SENTENCE = /[.!?。！？…][”’"'」』)）]*$|[”"」』]$/u;

/** CJK quotation marks and brackets, opening and closing. */
const CJK_OPENING = '“‘「『（【《〈〔〖';
const CJK_CLOSING = '”’」』）】》〉〕〗';
/** Full-width forms of the marks that a web conversion leaves half-width in Chinese text. */
const FULL_WIDTH: Readonly<Record<string, string>> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！' };
/**
 * A URL, from its scheme or "www." up to a space or a CJK mark, which may be glued to the text
 * before it ("網址https://…"); its own commas, colons and question marks stay. A scheme is looked for
 * only where a run of scheme characters starts, so that a long run is read once, not once from
 * each of its letters.
 */
const URL_IN_TEXT = `(?:(?<![A-Za-z0-9+.-])[0-9+.-]*[A-Za-z][A-Za-z0-9+.-]*://|www\\.)[^\\s\u3000-\u303F\uFF00-\uFFEF“”‘’]*`;

/** Datelines: a city in capitals ("NEW YORK", "ST. LOUIS"), any city, a date after a comma, an agency in brackets. */
const DATELINE_CAPS_CITY = "[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]{1,12}(?: [A-Z][A-Za-z.]{1,12})?)?";
const DATELINE_ANY_CITY = "[A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]{1,12}(?: [A-Z][A-Za-z.]{1,12})?)?";
const DATELINE_DATE =
  ',? (?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\\.? \\d{1,2}|\\d{1,2} ' +
  '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\\.?)(?:,? \\d{4})?';
const DATELINE_AGENCY =
  '(?:AP|AFP|Reuters|CNN|Bloomberg|dpa|UPI|Xinhua|Kyodo|PA|ANSA|EFE|Yonhap|TASS|Sputnik|IANS|PTI|CNA|AAP|BNO|NYT|' +
  'WSJ|The [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})';

/** The full-width form of a mark, or of each mark of a run (without the space after it). */
function fullWidth(mark: string): string {
  // A single mark, the usual case, is looked up directly: a megabyte of "人," has half a million.
  return FULL_WIDTH[mark] ?? Array.from(mark.trim(), (ch) => FULL_WIDTH[ch] ?? ch).join('');
}

function wordCount(line: string): number {
  return line.split(/\s+/).filter(Boolean).length;
}

function hasHan(line: string): boolean {
  return /\p{Script=Han}/u.test(line);
}

export const cleaningRules: readonly CleaningRule[] = [
  {
    id: 'image-placeholder',
    kind: 'inline',
    description: 'Markdown images and empty image placeholders such as ![]() or ![alt](url)',
    languages: ['any'],
    // An unfinished image ("![…" or "![…](…") is taken whole and given back unchanged: every "!["
    // inside it would end the same unfinished way, and trying each of them took quadratic time.
    pattern: /!\[[^\]\n]*(?:\]\([^)\n]*(\))?)?/g,
    replacement: (image, closed) => (closed === undefined ? image : ''),
  },
  {
    id: 'image-marker',
    kind: 'inline',
    description: 'Bracketed image markers left by copy and paste: [圖片], [图片], [image], [photo]',
    languages: ['any'],
    pattern: /[[【]\s*(?:圖片|图片|圖|图|image|photo|picture|video|視頻|视频)\s*[\]】]/giu,
    replacement: '',
  },
  {
    id: 'garbled-gloss',
    kind: 'inline',
    description: 'A pinyin gloss whose opening parenthesis was mangled into "?" (跑龍?zhí)…): the sentence is damaged',
    languages: ['zh'],
    pattern: new RegExp(`(?<=${HAN})\\?${PINYIN}[)）]`, 'gu'),
    replacement: GARBLED_MARK,
  },
  {
    id: 'garbled-tag',
    kind: 'inline',
    description: 'Half an HTML tag whose "<" was mangled into "?" (?/strong>): the sentence is damaged',
    languages: ['any'],
    pattern: new RegExp(`\\?/?(?:${HTML_TAGS})>`, 'giu'),
    replacement: GARBLED_MARK,
  },
  {
    id: 'pinyin-gloss',
    kind: 'inline',
    description: 'Parenthesised pinyin after a Han character, as in 關(guān) or 係（xì）',
    languages: ['zh'],
    pattern: new RegExp(`(?<=${HAN})[(（]\\s*${PINYIN}\\s*[)）]`, 'gu'),
    replacement: '',
  },
  {
    id: 'stray-html-tag',
    kind: 'inline',
    description: 'Stray HTML tags such as </strong> or <br/> left in text',
    languages: ['any'],
    pattern: new RegExp(`</?(?:${HTML_TAGS})(?:\\s[^<>\\n]{0,200})?/?>`, 'giu'),
    replacement: '',
  },
  {
    id: 'lone-tag-letter',
    kind: 'inline',
    description: 'A lone lower-case b, i, u, s or p glued between Han characters, the remains of a <b>-style tag',
    languages: ['zh'],
    pattern: new RegExp(`(?<=${HAN})[bisup](?=${HAN})`, 'gu'),
    replacement: '',
  },
  {
    id: 'full-width-punctuation',
    kind: 'inline',
    description:
      'Half-width , : ; ? ! between Chinese characters, left by a web conversion, in the full-width form an editor ' +
      'writes (年薪14.1億,華人 → 年薪14.1億，華人); numbers, times, URLs and English stay as they are',
    languages: ['zh'],
    knownLanguageOnly: true,
    // After a Han character or a closing CJK quote, before Han, a CJK quote, the end of the line or
    // a clause opening with a Latin word or a figure (2025年7月9日,Bloomberg…). After a Latin word or
    // a figure only , : ; and only before Han (1,000萬,冠軍; 08:30,地點). So a mark between digits
    // (1,000, 08:30), in English ("Hello, world") or in a name such as Yahoo! never matches. A URL
    // is matched whole and given back unchanged, so no mark inside it is seen: a lookbehind for the
    // URL so far, tried at every character, read back over the whole run of text without a space,
    // which made Chinese (it has none) take quadratic time: 30,000 characters took 9.7 s.
    pattern: new RegExp(
      `(${URL_IN_TEXT})|(?<=[${HAN}${CJK_CLOSING}])(?:[,:;]|[?!]{1,` +
        `3})(?:(?=[${HAN}${CJK_OPENING}${CJK_CLOSING}A-Za-z0-9]|$)| (?=[${HAN}${CJK_OPENING}]))|(?<=[A-Za-z0-9%])[,:;` +
        `](?=[${HAN}${CJK_OPENING}])`,
      'gu',
    ),
    replacement: (mark, url) => (url !== undefined ? url : fullWidth(mark)),
  },
  {
    id: 'news-dateline',
    kind: 'inline',
    description: 'Agency datelines at the start of a paragraph: "WASHINGTON (CNN) --", "(CNN)", "新華社北京5月31日電"',
    languages: ['any'],
    pattern:
      /^(?:[A-Z][A-Za-z.'-]*(?:[ ,]+[A-Z][A-Za-z.'-]*){0,4}\s*)?\((?:CNN|AP|AFP|Reuters|CNN Student News|EW\.com)\)\s*(?:--|—|–|-)?\s*|^(?:新華社|新华社|中新社|中新網|中新网)[^，,。\s]{0,16}[電电](?:[（(](?:記者|记者)[^）)]{0,20}[）)])?\s*|^(?:本報訊|本报讯)\s*/u,
    replacement: '',
  },
  {
    id: 'city-dateline',
    kind: 'inline',
    description:
      'A wire or newspaper dateline at the start of a paragraph: "SOUTHAMPTON — ", "NEW YORK, N.Y. — ", ' +
      '"WASHINGTON, Dec 5 (AP) — ", "Washington, Dec. 5 (Reuters) - " (a city in capitals, or any city with an ' +
      'agency in brackets)',
    languages: ['en'],
    pattern: new RegExp(
      `^(?:${DATELINE_CAPS_CITY}(?:${DATELINE_DATE})?\\s*(?:\\(${DATELINE_AGENCY}\\)\\s*)?|` +
        `${DATELINE_ANY_CITY}(?:${DATELINE_DATE})?\\s*\\(${DATELINE_AGENCY}\\)\\s*)(?:—|–|--|-)\\s+(?=["“‘']?[A-Z0-9])`,
      'u',
    ),
    replacement: '',
  },
  {
    id: 'chinese-dateline',
    kind: 'inline',
    description:
      'A Chinese news dateline at the start of a paragraph: "（中央社記者陳家倫台北5日電）", "中央社台北5日電", "【本報訊】", "記者王小明／台北報導", "〔記者林良昇／綜合報導〕"',
    languages: ['zh'],
    pattern:
      /^(?:[（(〔【\[]?(?:中央社|中通社|路透社?|法新社|美聯社|美联社|共同社)[^，。）)〕】\]\s]{0,30}?[電电][）)〕】\]]?|[【〔［\[](?:本報訊|本报讯)[】〕］\]]|[（(〔【［\[]?(?:本報|本报)?(?:記者|记者)[^，。：:「」“”）)〕】］\]]{1,30}?(?:報導|报导|報道|报道)[）)〕】］\]]?)[\s：:]*/u,
    replacement: '',
  },
  {
    id: 'timestamp-prefix',
    kind: 'inline',
    description: 'A page\'s time stamp glued to the first sentence by a bar: "05/05 13:37|", "2024-05-05 13:37 | "',
    languages: ['any'],
    pattern: /^(?:\d{4}[-/.])?\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}(?::\d{2})?\s*[|｜]\s*/u,
    replacement: '',
  },
  {
    id: 'news-source-opener',
    kind: 'inline',
    description:
      "Chinese papers' and sites' openers at the start of a paragraph, with the reporters that follow: " +
      '"广州日报讯（记者…）", "【深圳商报讯】", "人民网6月17日讯" (not "央视网消息（新闻联播）：": removing it makes the cleaner take the lead ' +
      'sentence as the title, and the lead is then no key point; dev lost 1 ROUGE-1 point at k = 1)',
    languages: ['zh'],
    pattern:
      /^(?:[【\[]?(?=[^，。\s]{0,20}?(?:报|報|网|網|日|社|台|刊))[^\s，。、：:“”「」《》（）()]{1,20}?(?<![通资資快喜简簡审審视視电電])[讯訊](?![问問息号號速])[】\]]?)\s*(?:[（(](?:记者|記者)[^）)，。]{0,40}[）)])?\s*/u,
    replacement: '',
  },
  {
    id: 'reporter-byline',
    kind: 'inline',
    description: 'Reporter bylines in brackets anywhere in a paragraph: "〔記者王小明／台中報導〕", "（記者李四／台北報導）", "（记者 张三）"',
    languages: ['zh'],
    pattern: /[（(〔［[](?:记者|記者)[^）)〕］\]，。]{1,40}[）)〕］\]]\s*/gu,
    replacement: '',
  },
  {
    id: 'closing-credit',
    kind: 'inline',
    description: 'A name or "完" in brackets after the last sentence of a paragraph: "…表示。(赵凛松)", "…。（完）"',
    languages: ['zh'],
    pattern: /(?<=[。！？!?”」』])\s*[（(][\p{Script=Han}·]{1,5}[）)]\s*$/u,
    replacement: '',
  },
  {
    id: 'photo-widget',
    kind: 'inline',
    description: 'A page\'s time stamp, source and "show picture" widget: "2015-05-08 15:35新浪娱乐显示图片"',
    languages: ['zh'],
    pattern: /(?:^\d{4}-\d{1,2}-\d{1,2}\s*\d{1,2}:\d{2}(?::\d{2})?\s*[^\s，。]{0,12}?)?(?:显示图片|顯示圖片)\s*/gu,
    replacement: '',
  },
  {
    id: 'comment-widget',
    kind: 'inline',
    description: 'Comment counters and font-size buttons scraped with the text: "评论(0)A+", "評論(12) A+ A-"',
    languages: ['zh'],
    pattern: new RegExp(String.raw`${AT_SPACES_START}\s*(?:评论|評論)[(（]\d+[)）](?:\s*A[+＋](?:\s*A[-－])?)?\s*`, 'gu'),
    replacement: '',
  },
  {
    id: 'cnn-byline',
    kind: 'inline',
    description: 'A "By Jane Doe, CNN" byline at the start of a paragraph (English news)',
    languages: ['en'],
    pattern: /^By\s+(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*(?:(?:,\s*|\s+and\s+)(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w.'’-]*)*,\s*CNN\b(?:\s*(?:--|—|–))?\s*/u,
    replacement: '',
  },
  {
    id: 'author-credit',
    kind: 'line',
    phase: 'junk',
    description: 'An author line of a Chinese page: "作者|张三", "作者｜李四 来源｜某报"',
    languages: ['zh'],
    test: (line) => /^(?:作者|作者：|文)\s*[|｜／/]\s*\S/u.test(line) && line.length <= 40 && !/[。！？]$/u.test(line),
  },
  {
    id: 'watch-teaser',
    kind: 'inline',
    description: 'Video and photo teasers ending in » glued to a paragraph: "Watch Bush criticize the Iraqi government »"',
    languages: ['en'],
    pattern: new RegExp(String.raw`${AT_SPACES_START}\s*\b(?:Watch|See|Read|Listen to|Hear|Check out|Explore|Look at)\b[^»\n.!?]{0,160}»`, 'g'),
    replacement: '',
  },
  {
    id: 'email-to-a-friend',
    kind: 'inline',
    description: 'Share links glued to the end of a paragraph: "E-mail to a friend", "Share this article"',
    languages: ['en'],
    pattern: new RegExp(String.raw`${AT_SPACES_START}\s*\b(?:E-mail to a friend|Email to a friend|Share this (?:article|story))\.?\s*$`, 'gi'),
    replacement: '',
  },
  {
    id: 'follow-prompt',
    kind: 'line',
    phase: 'junk',
    description: 'Requests to follow, like, share or subscribe ("辛苦您點擊一下“關注”", "Follow us on Twitter")',
    languages: ['any'],
    test: (line) =>
      (line.length < 200 &&
        /點擊|点击|訂閱|订阅|轉發|转发|點贊|点赞|點個|点个|加關注|加关注|關注我們|关注我们|[“"「]關注|[“"「]关注|在看/u.test(line) &&
        /您|一下|支持|感謝|感谢|公眾號|公众号|本號|本号|右上角|小編|小编|朋友圈/u.test(line)) ||
      (wordCount(line) < 40 &&
        /^(?:please\s+)?(?:follow us|subscribe|sign up|like us|join us|share this|click here|tap here|download our app)\b|\b(?:follow us on|subscribe to our|sign up for our|share (?:this )?on (?:facebook|twitter|x))\b/i.test(
          line,
        )),
  },
  {
    id: 'editor-credit',
    kind: 'line',
    phase: 'junk',
    description: 'Editor, author and photo credits on their own line ("編輯:果果", "责任编辑：王五", "By Jane Doe, CNN")',
    languages: ['any'],
    test: (line) =>
      /^(?:(?:責任編輯|责任编辑|編輯|编辑|責編|责编|作者|記者|记者|撰文|文|來源|来源|校對|校对|審核|审核|排版|攝影|摄影|翻譯|翻译|出品|監製|监制|策劃|策划|圖|图)\s*[:：|｜/]\s*[^\s。，,!?！？]{1,30}\s*){1,5}$/u.test(
        line,
      ) ||
      /^(?:By|Written by|Edited by|Reporting by|Additional reporting by|Story by|Photos? by)\s+[A-Z][\w.'-]*(?:[ ,]+(?:and\s+)?[A-Z][\w.'-]*){0,6}\.?$/u.test(
        line,
      ),
  },
  {
    id: 'disclaimer',
    kind: 'line',
    phase: 'junk',
    description: 'Platform disclaimers and copyright lines in any language ("特別聲明:…網易號…", "Notice: The content above…", "All rights reserved")',
    languages: ['any'],
    test: (line) =>
      /^(?:特別聲明|特别声明|免責聲明|免责声明|版權聲明|版权声明|聲明|声明)\s*[:：]/u.test(line) ||
      /^(?:轉載請|转载请|未經授權|未经授权|版權所有|版权所有|本文(?:僅代表|仅代表|系|為|为).{0,20}(?:觀點|观点|授權|授权))/u.test(line) ||
      /(?:網易號|网易号|自媒體平台|自媒体平台|自媒體平臺)[^。]{0,40}(?:上傳|上传|發布|发布)|信息存儲服務|信息存储服务/u.test(line) ||
      /^(?:Notice|Disclaimer|Copyright|©|\(c\)\s*\d{4})\b/iu.test(line) ||
      /\ball rights reserved\b|\bmay not be (?:published|reproduced|broadcast|redistributed)\b|\bonly provides information storage services\b|\bthe views expressed (?:in this|here|are)\b/i.test(
        line,
      ),
  },
  {
    id: 'cookie-notice',
    kind: 'line',
    phase: 'junk',
    description: 'Cookie banners ("We use cookies…", "本網站使用Cookie…")',
    languages: ['any'],
    test: (line) =>
      /\b(?:we use cookies|this (?:web)?site uses cookies|cookie (?:policy|settings|preferences)|accept (?:all )?cookies)\b/i.test(line) ||
      /(?:本網站|本网站|我們|我们|本站).{0,10}使用.{0,6}(?:Cookie|cookie|曲奇)/u.test(line),
  },
  {
    id: 'related-tail',
    kind: 'line',
    phase: 'junk',
    description: 'A "related / read more" heading: it and everything after it is a list of other articles',
    languages: ['any'],
    dropRest: true,
    test: (line) =>
      /^(?:related(?: articles| stories| coverage| links)?|read more|more from .{1,40}|recommended(?: for you)?|you may also like|see also|more on this story)\s*(?:[:：]\s*)?$/i.test(
        line,
      ) ||
      /^[【[]?(?:相關閱讀|相关阅读|延伸閱讀|延伸阅读|推薦閱讀|推荐阅读|相關文章|相关文章|熱門推薦|热门推荐|往期回顧|往期回顾|往期推薦|往期推荐|猜你喜歡|猜你喜欢|更多精彩|更多閱讀|更多阅读)[】\]]?\s*(?:[:：]\s*)?$/u.test(
        line,
      ),
  },
  {
    id: 'read-more-link',
    kind: 'line',
    phase: 'junk',
    description: 'A single link teaser line ("Read more about …", "延伸閱讀:…", "Click here to …")',
    languages: ['any'],
    test: (line) =>
      (!ENDS_LIKE_SENTENCE.test(line) &&
        wordCount(line) < 25 &&
        /^(?:Read more|Read:|Related:|See also|Listen to|Watch:|Watch the|Check out|Click here|Explore|See photos|See more)\b/i.test(line)) ||
      /^[【[]?(?:相關閱讀|相关阅读|延伸閱讀|延伸阅读|推薦閱讀|推荐阅读|相關文章|相关文章|原標題|原标题|點擊閱讀|点击阅读|閱讀原文|阅读原文)[】\]]?\s*[:：]/u.test(
        line,
      ) ||
      /^(?:閱讀原文|阅读原文|查看原文)$/u.test(line),
  },
  {
    id: 'dateline-only',
    kind: 'line',
    phase: 'junk',
    description: 'A line that is only a publication date or time ("2025-07-09 10:22", "2025年7月9日 10:22 來源:…", "Updated 4:51 PM ET, Tue July 9, 2025")',
    languages: ['any'],
    test: (line) =>
      // Spaces are matched only next to a mark or a word, never two runs side by side (as in
      // "\s*[:：]?\s*" or "\s*日?(?:\s*…)?"): runs side by side split a long run every possible way.
      /^(?:(?:發布|发布|更新|發佈)(?:時間|时间|於|于)?\s*(?:[:：]\s*)?)?\d{4}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}(?:\s*(?:日(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}(?::\d{2})?)(?:\s+(?:來源|来源)\s*[:：].{0,30})?|\s+(?:來源|来源)\s*[:：].{0,30}|\s*)$/u.test(
        line,
      ) ||
      /^(?:(?:Updated|Published|Posted)\s*(?::\s*)?)?(?:\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s*[A-Z]{2,4})?\s*(?:,\s*)?)?(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}$/u.test(
        line,
      ),
  },
  {
    id: 'correction-note',
    kind: 'line',
    phase: 'junk',
    description:
      'A correction or update note on its own line: "This article was amended on 5 May 2024…", "Correction: …", ' +
      '"An earlier version of this article…", "更正：…", "編按：本文已更新…"',
    languages: ['any'],
    // Only a short line: a paragraph of news that opens with an update label ("（更新：更新影片）屏東…") stays.
    test: (line) =>
      (wordCount(line) <= 60 &&
        line.length <= 400 &&
        /^(?:\*\s*)?(?:(?:This|The) (?:article|story|piece|report) (?:was|has been|is being) (?:amended|corrected|updated|edited|changed)\b|(?:Correction|Clarification|Editor['’]s note)s?\s*(?:\([^)]{0,40}\))?\s*[:：—–-]|An? (?:earlier|previous|prior) version of this (?:article|story|piece|report)\b|(?:We|The Guardian|CNN|Reuters) (?:corrected|amended|updated) this (?:article|story)\b)/i.test(
          line,
        )) ||
      (line.length <= 80 &&
        /^[（(【［\[]?(?:更正|勘誤|勘误|更新|編按|编按|編者按|编者按)[】］\]]?\s*[:：]?\s*(?:本文|此文|本報|本报|原文|文中|上文|前文|.{0,8}(?:更正|修正|更新))/u.test(
          line,
        )),
  },
  {
    id: 'photo-caption',
    kind: 'line',
    phase: 'caption',
    description:
      'A photo caption that reads like a sentence but carries its credit or label: ' +
      '"A row of terraced houses in Leeds. Photograph: Christopher Furlong/Getty Images", "Image caption, …", "（圖／路透社）"',
    languages: ['any'],
    test: (line) =>
      (wordCount(line) < 60 &&
        /(?:^|[.!?]["”’]?\s+)(?:Photograph|Photo|Illustration|Composite|Picture|Image|Photo illustration)\s*:\s*[^.]{1,80}$/u.test(line)) ||
      /^(?:Image caption|Image source|Media caption|Caption)\s*[,:]/i.test(line) ||
      (wordCount(line) < 40 && /\((?:Photo|Image|Picture)s?(?: by| credit)?:?\s[^)]{1,60}\)\s*$/i.test(line)) ||
      (hasHan(line) && line.length <= 80 && /[（(](?:圖|图|圖片|图片|攝影|摄影|照片)\s*[／/：:][^）)]{1,30}[）)]\s*$/u.test(line)),
  },
  {
    id: 'caption',
    kind: 'line',
    phase: 'caption',
    description: 'Photo captions, sub-headings and link labels: a short line that is not a sentence (no full stop)',
    languages: ['any'],
    test: (line) => {
      if (ENDS_LIKE_SENTENCE.test(line) || /[:：]$/u.test(line)) return false;
      if (hasHan(line)) return line.length <= 40;
      return wordCount(line) <= 20;
    },
  },
  {
    id: 'caption-credit',
    kind: 'line',
    phase: 'caption',
    description: 'Image credit lines ("圖片來源:網絡", "Photo: Getty Images", "Image copyright AFP")',
    languages: ['any'],
    test: (line) =>
      /^[(（]?(?:圖片來源|图片来源|圖源|图源|配圖|配图|圖|图)\s*[:：/|｜]/u.test(line) ||
      (wordCount(line) < 25 &&
        /^(?:Photo|Image|Picture|Photograph|Credit|Image copyright|Photo credit)s?\s*[:|]?\s/i.test(line) &&
        /Getty|AFP|Reuters|AP\b|Images|Photo|courtesy/i.test(line)),
  },
];

/** The rule language family of an article language tag. */
/**
 * Title rules. A label that opens a title ("内容提要：", "［提要］") is no part of the headline.
 */
export const TITLE_LABEL =
  /^(?:[［\[【]\s*(?:内容提要|內容提要|提要|摘要|导语|導語|核心提示)\s*[］\]】]|(?:内容提要|內容提要|提要|摘要|导语|導語|编者按|編者按|核心提示)\s*[：:])\s*/u;
/**
 * The site's name that a page title carries after a separator: "… | Harbor Daily", "… — Site",
 * "…_网易新闻". Only a short last part (at most five words or 12 Han characters) is taken as a
 * site name, so a headline with a dash in it keeps its second half. The site name is read from each
 * "_" to the end of the title, so on a title that is one long word of "_"s the pattern takes
 * quadratic time: the cleaner hands it titles of at most 2,000 characters (TITLE_SOURCE_MAX_CHARS).
 */
export const TITLE_SITE_SUFFIX = new RegExp(
  String.raw`${AT_SPACES_START}\s*(?:\s[|｜–—]\s|[|｜]|\s-\s|_)\s*(?:[\p{Script=Han}\w.&'’]{1,12}|(?:[\w.&'’]+\s){0,4}[\w.&'’]+)\s*$`,
  'u',
);

/**
 * The last part of a title after a separator ("Title | Site", "Title - Site", "標題_網易新聞"), or
 * undefined. Whether that part is a site name or the headline's own attribution ("… - Blair") is
 * for the caller to decide: only a name the source is known by is a site name.
 */
export function titleSuffix(title: string): { head: string; suffix: string } | undefined {
  const match = TITLE_SITE_SUFFIX.exec(title);
  if (!match) return undefined;
  const suffix = match[0].replace(/^\s*(?:\s[|｜–—]\s|[|｜]|\s-\s|_)\s*/u, '').trim();
  return { head: title.slice(0, match.index).trim(), suffix };
}

/** Returns `title` without an unclosed opening quote or bracket and what follows it (when enough is left). */
export function closeTitle(title: string): string {
  const pairs: Record<string, string> = {
    '“': '”',
    '‘': '’',
    '「': '」',
    '『': '』',
    '（': '）',
    '(': ')',
    '《': '》',
    '【': '】',
    '〈': '〉',
    '［': '］',
    '[': ']',
  };
  const open: { mark: string; at: number }[] = [];
  for (let i = 0; i < title.length; i++) {
    const ch = title[i]!;
    if (pairs[ch] !== undefined) open.push({ mark: ch, at: i });
    else if (open.length > 0 && pairs[open[open.length - 1]!.mark] === ch) open.pop();
  }
  if (open.length === 0) return title;
  const cut = open[0]!.at;
  const head = title.slice(0, cut).replace(/[\s,，、;；:：-]+$/u, '');
  if (Array.from(head).length >= 6) return title.endsWith('…') ? `${head}…` : head;
  // Too little before the mark: drop the unclosed marks themselves instead.
  const drop = new Set(open.map((o) => o.at));
  return Array.from(title, (ch, i) => (drop.has(i) ? '' : ch)).join('');
}

function ruleLanguageOf(language: string | undefined): RuleLanguage | undefined {
  if (!language) return undefined;
  if (language.startsWith('zh')) return 'zh';
  if (language.startsWith('en')) return 'en';
  return undefined;
}

/**
 * Rules that apply to an article in `language`: when the language is unknown, every rule that
 * removes junk, but none that rewrites text (`knownLanguageOnly`).
 */
export function rulesFor(language: string | undefined): CleaningRule[] {
  const family = ruleLanguageOf(language);
  if (family === undefined) return cleaningRules.filter((rule) => !rule.knownLanguageOnly);
  return cleaningRules.filter((rule) => rule.languages.includes('any') || rule.languages.includes(family));
}

/**
 * Applies one inline rule to a line of text.
 *
 * @example
 * applyInlineRule(cleaningRules.find((r) => r.id === 'image-marker') as InlineRule, '[圖片]會議現場'); // '會議現場'
 */
export function applyInlineRule(rule: InlineRule, text: string): string {
  const { pattern, replacement } = rule;
  // Both branches look alike, but TypeScript chooses `replace`'s overload from the narrowed type.
  return typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement);
}
