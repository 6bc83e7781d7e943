import { describe, expect, it } from 'vitest';
import {
  applyInlineRule,
  cleaningRules,
  GARBLED_MARK,
  rulesFor,
  TITLE_LABEL,
  TITLE_SITE_SUFFIX,
  type CleaningRule,
  type InlineRule,
  type LineRule,
} from '../../../functions/core/articles/cleaning-rules.js';
import { CPU_BUDGET_SECONDS, cpuSeconds, hostileArticles, hostileLines } from '../../support/hostile-text.js';

function rule(id: string): CleaningRule {
  const found = cleaningRules.find((r) => r.id === id);
  if (!found) throw new Error(`no cleaning rule "${id}"`);
  return found;
}

function rewrite(id: string, text: string): string {
  const r = rule(id) as InlineRule;
  expect(r.kind).toBe('inline');
  return applyInlineRule(r, text);
}

function drops(id: string, line: string): boolean {
  const r = rule(id) as LineRule;
  expect(r.kind).toBe('line');
  return r.test(line);
}

const tested = new Set<string>();
function ruleTest(id: string, name: string, body: () => void): void {
  tested.add(id);
  it(`${id}: ${name}`, body);
}

describe('cleaningRules', () => {
  ruleTest('image-placeholder', 'removes empty and described markdown images', () => {
    expect(rewrite('image-placeholder', '前文![]()後文![圖](https://x.test/a.png)')).toBe('前文後文');
  });

  ruleTest('image-placeholder', 'leaves an unfinished image as it is and still removes the next whole one', () => {
    expect(rewrite('image-placeholder', '![![a](b)')).toBe('');
    expect(rewrite('image-placeholder', '![a] (b) ![c](d')).toBe('![a] (b) ![c](d');
    expect(rewrite('image-placeholder', '![a![b](c)d')).toBe('d');
    expect(rewrite('image-placeholder', '![a\n![b](c)')).toBe('![a\n');
  });

  ruleTest('image-marker', 'removes bracketed image markers', () => {
    expect(rewrite('image-marker', '[圖片]會議現場[image]')).toBe('會議現場');
  });

  ruleTest('garbled-gloss', 'marks a gloss whose parenthesis was mangled', () => {
    expect(rewrite('garbled-gloss', '而不是跑龍?zhí)住')).toBe(`而不是跑龍${GARBLED_MARK}住`);
    expect(rewrite('garbled-gloss', '為什么?難道')).toBe('為什么?難道');
  });

  ruleTest('garbled-tag', 'marks half an HTML tag', () => {
    expect(rewrite('garbled-tag', '跑龍住?/strong>')).toBe(`跑龍住${GARBLED_MARK}`);
  });

  ruleTest('pinyin-gloss', 'removes pinyin glosses after Han characters in both kinds of parentheses', () => {
    expect(rewrite('pinyin-gloss', '中方關(guān)鍵技術(shù)與關(guān)係（xì）')).toBe('中方關鍵技術與關係');
    expect(rewrite('pinyin-gloss', '領(lǐng)域和綠(lǜ)色')).toBe('領域和綠色');
  });

  ruleTest('pinyin-gloss', 'keeps ordinary parentheses', () => {
    expect(rewrite('pinyin-gloss', '美國(USA)和白蘭(宋佳飾)')).toBe('美國(USA)和白蘭(宋佳飾)');
  });

  ruleTest('stray-html-tag', 'removes stray tags but not comparisons', () => {
    expect(rewrite('stray-html-tag', '跑龍套。</strong><br/>下一句')).toBe('跑龍套。下一句');
    expect(rewrite('stray-html-tag', 'if a < b and c > d')).toBe('if a < b and c > d');
  });

  ruleTest('lone-tag-letter', 'removes a lone tag letter glued between Han characters', () => {
    expect(rewrite('lone-tag-letter', '實驗室里b這道理')).toBe('實驗室里這道理');
    expect(rewrite('lone-tag-letter', '中國A股市場')).toBe('中國A股市場');
  });

  ruleTest('full-width-punctuation', 'writes , : ; ? ! between Chinese characters full-width', () => {
    expect(rewrite('full-width-punctuation', '年薪14.1億,華人AI頂級專家被美高價挖走,中方關鍵技術壓力升級')).toBe(
      '年薪14.1億，華人AI頂級專家被美高價挖走，中方關鍵技術壓力升級',
    );
    expect(rewrite('full-width-punctuation', '2025年7月9日,Bloomberg直接點名:Meta給了超2億美元大包;人沒離開美國。')).toBe(
      '2025年7月9日，Bloomberg直接點名：Meta給了超2億美元大包；人沒離開美國。',
    );
    expect(rewrite('full-width-punctuation', '這次賽題選的都是硬骨頭,還直接開放數據:有真刀真槍的戰場。')).toBe(
      '這次賽題選的都是硬骨頭，還直接開放數據：有真刀真槍的戰場。',
    );
  });

  ruleTest('full-width-punctuation', 'converts after a closing CJK quote, before a quote, at the end of a line and in runs of ?!', () => {
    expect(rewrite('full-width-punctuation', '點擊一下“關注”,感謝您的支持!')).toBe('點擊一下“關注”，感謝您的支持！');
    expect(rewrite('full-width-punctuation', '前陣子那句話:“人都去哪兒了?”為什么?!')).toBe('前陣子那句話：“人都去哪兒了？”為什么？！');
    expect(rewrite('full-width-punctuation', '中國, 美國和日本')).toBe('中國，美國和日本');
  });

  ruleTest('full-width-punctuation', 'leaves numbers, times, URLs, names and English alone', () => {
    expect(rewrite('full-width-punctuation', '獎金池有1,000萬,冠軍拿14.1億')).toBe('獎金池有1,000萬，冠軍拿14.1億');
    expect(rewrite('full-width-punctuation', '比分是3:2,時間是08:30。')).toBe('比分是3:2，時間是08:30。');
    expect(rewrite('full-width-punctuation', '時間:08:30,地點:台北')).toBe('時間：08:30，地點：台北');
    expect(rewrite('full-width-punctuation', '約有1,000,000人;Yahoo!奇摩和Meta,谷歌')).toBe('約有1,000,000人；Yahoo!奇摩和Meta，谷歌');
    expect(rewrite('full-width-punctuation', '網址:https://例子.tw/新聞?id=3,第2頁')).toBe('網址：https://例子.tw/新聞?id=3,第2頁');
    expect(rewrite('full-width-punctuation', 'He said "Hello, world!" in Beijing, China: it rained.')).toBe(
      'He said "Hello, world!" in Beijing, China: it rained.',
    );
    expect(rewrite('full-width-punctuation', '會議在北京, China舉行')).toBe('會議在北京, China舉行');
  });

  ruleTest('full-width-punctuation', 'leaves a URL glued to Chinese alone up to the next space or CJK mark, however it starts', () => {
    expect(rewrite('full-width-punctuation', '見1a+b.c://例子,第2頁 然後,結束')).toBe('見1a+b.c://例子,第2頁 然後，結束');
    expect(rewrite('full-width-punctuation', '見xwww.例子,第2頁。然後,結束')).toBe('見xwww.例子,第2頁。然後，結束');
    expect(rewrite('full-width-punctuation', '見123://例子,第2頁')).toBe('見123://例子，第2頁');
    expect(rewrite('full-width-punctuation', '這是Meta,那是http:例子,結束')).toBe('這是Meta，那是http：例子，結束');
  });

  ruleTest('news-dateline', 'removes agency datelines at the start of a paragraph', () => {
    expect(rewrite('news-dateline', 'MINNEAPOLIS, Minnesota (CNN) -- Drivers told tales.')).toBe('Drivers told tales.');
    expect(rewrite('news-dateline', '(CNN)Seventy years ago, Anne Frank died.')).toBe('Seventy years ago, Anne Frank died.');
    expect(rewrite('news-dateline', '新華社北京5月31日電 雄安新區啟動征遷。')).toBe('雄安新區啟動征遷。');
    expect(rewrite('news-dateline', 'London (CNN) -- The queen spoke.')).toBe('The queen spoke.');
  });

  ruleTest('city-dateline', 'removes a dateline in capitals or with an agency, not a sentence with a dash in it', () => {
    expect(rewrite('city-dateline', 'SOUTHAMPTON — Dockworkers walked out on Monday.')).toBe('Dockworkers walked out on Monday.');
    expect(rewrite('city-dateline', 'LONDON (Reuters) - Shares fell in early trading.')).toBe('Shares fell in early trading.');
    expect(rewrite('city-dateline', 'WASHINGTON, Dec 5 (AP) — The Senate passed the bill.')).toBe('The Senate passed the bill.');
    expect(rewrite('city-dateline', 'NEW YORK, N.Y. — Police said the man was arrested.')).toBe('Police said the man was arrested.');
    expect(rewrite('city-dateline', 'Washington, Dec. 5 (Reuters) - The vote was close.')).toBe('The vote was close.');
    expect(rewrite('city-dateline', 'NASA said on Monday — finally — that it would launch.')).toBe('NASA said on Monday — finally — that it would launch.');
    expect(rewrite('city-dateline', 'The UK — and France — agreed.')).toBe('The UK — and France — agreed.');
  });

  ruleTest('chinese-dateline', 'removes CNA, 本報訊 and reporter datelines, not a sentence about a press conference', () => {
    expect(rewrite('chinese-dateline', '（中央社記者陳家倫台北5日電）行政院今天通過預算案。')).toBe('行政院今天通過預算案。');
    expect(rewrite('chinese-dateline', '中央社台北5日電 行政院今天通過預算案。')).toBe('行政院今天通過預算案。');
    expect(rewrite('chinese-dateline', '【本報訊】市政府昨天宣布。')).toBe('市政府昨天宣布。');
    expect(rewrite('chinese-dateline', '〔記者林良昇／綜合報導〕中國與巴拿馬建交。')).toBe('中國與巴拿馬建交。');
    expect(rewrite('chinese-dateline', '記者王小明／台北報導 捷運局今天表示。')).toBe('捷運局今天表示。');
    expect(rewrite('chinese-dateline', '本報記者張三報導：鴻海表示。')).toBe('鴻海表示。');
    expect(rewrite('chinese-dateline', '記者會上，部長表示將檢討。')).toBe('記者會上，部長表示將檢討。');
  });

  ruleTest('timestamp-prefix', 'removes a time stamp glued to the first sentence by a bar', () => {
    expect(rewrite('timestamp-prefix', '05/05 13:37|鴻海今天公布營收。')).toBe('鴻海今天公布營收。');
    expect(rewrite('timestamp-prefix', '2024-05-05 13:37 | Shares rose.')).toBe('Shares rose.');
    expect(rewrite('timestamp-prefix', '13:37 the train left.')).toBe('13:37 the train left.');
  });

  ruleTest('news-source-opener', "removes a paper's or site's opener and its reporters, not a sentence that starts with 讯问", () => {
    expect(rewrite('news-source-opener', '广州日报讯（记者张三）昨日，市政府宣布。')).toBe('昨日，市政府宣布。');
    expect(rewrite('news-source-opener', '人民网6月17日讯据报道，会议召开。')).toBe('据报道，会议召开。');
    expect(rewrite('news-source-opener', '【深圳商报讯】（记者肖怀礼）记者昨天了解到。')).toBe('记者昨天了解到。');
    expect(rewrite('news-source-opener', '他昨日讯问了嫌犯。')).toBe('他昨日讯问了嫌犯。');
    expect(rewrite('news-source-opener', '中国移动通讯公司今天宣布。')).toBe('中国移动通讯公司今天宣布。');
  });

  ruleTest('reporter-byline', 'removes a bracketed reporter byline', () => {
    expect(rewrite('reporter-byline', '〔記者王小明／台中報導〕台中市今天宣布。')).toBe('台中市今天宣布。');
    expect(rewrite('reporter-byline', '市府表示（記者李四／台北報導）將加強。')).toBe('市府表示將加強。');
  });

  ruleTest('closing-credit', 'removes a bracketed name after the last sentence, not a bracket inside one', () => {
    expect(rewrite('closing-credit', '日本政府表示将加强合作。(赵凛松)')).toBe('日本政府表示将加强合作。');
    expect(rewrite('closing-credit', '他说（笑）很好。')).toBe('他说（笑）很好。');
  });

  ruleTest('photo-widget', 'removes a time stamp, source and "show picture" widget', () => {
    expect(rewrite('photo-widget', '2015-05-08 15:35新浪娱乐显示图片范冰冰出席活动。')).toBe('范冰冰出席活动。');
  });

  ruleTest('comment-widget', 'removes comment counters and font-size buttons', () => {
    expect(rewrite('comment-widget', '评论(0)A+记者获悉，大会开幕。')).toBe('记者获悉，大会开幕。');
  });

  ruleTest('cnn-byline', 'removes a "By X, CNN" byline, not a sentence that starts with "By"', () => {
    expect(rewrite('cnn-byline', 'By Jane Doe and John Smith, CNN -- The storm hit.')).toBe('The storm hit.');
    expect(rewrite('cnn-byline', 'By Tuesday, CNN had reported it.')).toBe('By Tuesday, CNN had reported it.');
  });

  ruleTest('author-credit', 'drops an author line, not a sentence', () => {
    expect(drops('author-credit', '作者|张三')).toBe(true);
    expect(drops('author-credit', '作者｜李四 来源｜某报')).toBe(true);
    expect(drops('author-credit', '文/王五说，今年的收成很好。')).toBe(false);
  });

  ruleTest('watch-teaser', 'removes "Watch … »" teasers glued to a paragraph', () => {
    expect(rewrite('watch-teaser', 'It comes out in September.  Watch Bush criticize the Iraqi government »')).toBe('It comes out in September.');
    expect(rewrite('watch-teaser', 'It ended. \n Watch the video » Then  See more »')).toBe('It ended. Then');
  });

  ruleTest('email-to-a-friend', 'removes a share link at the end of a paragraph', () => {
    expect(rewrite('email-to-a-friend', 'America never broke its word." E-mail to a friend')).toBe('America never broke its word."');
    expect(rewrite('email-to-a-friend', 'It ended.   Email to a friend.  ')).toBe('It ended.');
  });

  ruleTest('follow-prompt', 'drops follow and subscribe prompts but keeps news about attention', () => {
    expect(drops('follow-prompt', '在閱讀此文之前,辛苦您點擊一下“關注”,感謝您的支持!')).toBe(true);
    expect(drops('follow-prompt', 'Follow us on Twitter for more updates')).toBe(true);
    expect(drops('follow-prompt', '這件事引起了社會的廣泛關注。')).toBe(false);
  });

  ruleTest('editor-credit', 'drops editor credits and bylines', () => {
    expect(drops('editor-credit', '編輯:果果')).toBe(true);
    expect(drops('editor-credit', '责任编辑：王五')).toBe(true);
    expect(drops('editor-credit', 'By Jane Doe, CNN')).toBe(true);
    expect(drops('editor-credit', '編輯部表示,新版本將在下月推出。')).toBe(false);
  });

  ruleTest('disclaimer', 'drops platform disclaimers and copyright lines in Chinese and English', () => {
    expect(drops('disclaimer', '特別聲明:以上內容為自媒體平台“網易號”用戶上傳並發布,本平台僅提供信息存儲服務。')).toBe(true);
    expect(drops('disclaimer', 'Notice: The content above is uploaded and posted by a user of NetEase Hao.')).toBe(true);
    expect(drops('disclaimer', 'Copyright 2007 Reuters. All rights reserved.')).toBe(true);
    expect(drops('disclaimer', 'The court noticed the error on Monday.')).toBe(false);
  });

  ruleTest('cookie-notice', 'drops cookie banners', () => {
    expect(drops('cookie-notice', 'We use cookies to improve your experience.')).toBe(true);
    expect(drops('cookie-notice', '本網站使用Cookie以提升瀏覽體驗。')).toBe(true);
    expect(drops('cookie-notice', 'She baked cookies for the volunteers.')).toBe(false);
  });

  ruleTest('related-tail', 'drops a related-articles heading and what follows', () => {
    expect(drops('related-tail', 'Related articles:')).toBe(true);
    expect(drops('related-tail', '相關閱讀')).toBe(true);
    expect((rule('related-tail') as LineRule).dropRest).toBe(true);
    expect(drops('related-tail', 'Related talks continued on Monday.')).toBe(false);
  });

  ruleTest('read-more-link', 'drops link teaser lines', () => {
    expect(drops('read-more-link', "Read more about Anne Frank's cousin, a keeper of her legacy")).toBe(true);
    expect(drops('read-more-link', '延伸閱讀:AI人才爭奪戰')).toBe(true);
    expect(drops('read-more-link', 'Read more books, the minister told pupils.')).toBe(false);
  });

  ruleTest('dateline-only', 'drops lines that are only a date', () => {
    expect(drops('dateline-only', '2025-07-09 10:22')).toBe(true);
    expect(drops('dateline-only', '2025年7月9日 10:22 來源:網易')).toBe(true);
    expect(drops('dateline-only', 'Updated 4:51 PM ET, Tue July 9, 2025')).toBe(true);
    expect(drops('dateline-only', '2025年7月9日,Bloomberg直接點名。')).toBe(false);
  });

  ruleTest('caption', 'drops short lines that are not sentences', () => {
    expect(drops('caption', "Anne Frank's final entry")).toBe(true);
    expect(drops('caption', '圖為會議現場')).toBe(true);
    expect(drops('caption', 'Her diary endures as one of the most popular books.')).toBe(false);
    expect(drops('caption', 'But there are some facts about Zarif that are less well-known. Here are six:')).toBe(false);
  });

  ruleTest('correction-note', 'drops correction and amendment notes, not sentences about a market correction', () => {
    expect(drops('correction-note', 'This article was amended on 6 May 2024. An earlier version said the strike would last 48 hours.')).toBe(true);
    expect(drops('correction-note', 'Correction: An earlier version of this story misstated the final vote count.')).toBe(true);
    expect(drops('correction-note', 'An earlier version of this article gave the wrong date.')).toBe(true);
    expect(drops('correction-note', '編按：本文已更新主計長發言內容。')).toBe(true);
    expect(drops('correction-note', 'Correction of the market was expected, analysts said.')).toBe(false);
    expect(drops('correction-note', '更正後的數字顯示，失業率下降。')).toBe(false);
  });

  ruleTest('photo-caption', 'drops a caption that carries its credit or label', () => {
    expect(drops('photo-caption', 'A row of terraced houses in Leeds. Photograph: Christopher Furlong/Getty Images')).toBe(true);
    expect(drops('photo-caption', 'Image caption, Pickets gathered at the gates')).toBe(true);
    expect(drops('photo-caption', '總統府外的抗議人群。（圖／路透社）')).toBe(true);
    expect(drops('photo-caption', 'Photography was his first love, he said.')).toBe(false);
  });

  ruleTest('caption-credit', 'drops image credit lines', () => {
    expect(drops('caption-credit', '圖片來源:網絡')).toBe(true);
    expect(drops('caption-credit', 'Photo: Getty Images')).toBe(true);
    expect(drops('caption-credit', 'Photography was his first love.')).toBe(false);
  });

  it('gives every rule an id, a description, languages and a test here', () => {
    const ids = cleaningRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of cleaningRules) {
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.languages.length).toBeGreaterThan(0);
    }
    expect([...ids].sort()).toEqual([...tested].sort());
  });

  it('applies Chinese-only rules to Chinese articles only', () => {
    expect(rulesFor('zh-Hant').map((r) => r.id)).toContain('pinyin-gloss');
    expect(rulesFor('en').map((r) => r.id)).not.toContain('pinyin-gloss');
    expect(rulesFor('en').map((r) => r.id)).toContain('disclaimer');
    expect(rulesFor(undefined)).toHaveLength(cleaningRules.length - 1);
  });

  it('rewrites punctuation only in articles known to be Chinese', () => {
    expect(rulesFor('zh-Hant').map((r) => r.id)).toContain('full-width-punctuation');
    expect(rulesFor('zh-Hans').map((r) => r.id)).toContain('full-width-punctuation');
    expect(rulesFor('en').map((r) => r.id)).not.toContain('full-width-punctuation');
    expect(rulesFor(undefined).map((r) => r.id)).not.toContain('full-width-punctuation');
  });
});

describe('cleaningRules on a hostile megabyte', () => {
  const hostile = { ...hostileArticles, ...hostileLines };
  for (const rule of cleaningRules) {
    it(`${rule.id} reads each hostile article and line within ${CPU_BUDGET_SECONDS} s of CPU`, () => {
      for (const [name, body] of Object.entries(hostile)) {
        const seconds = cpuSeconds(() => (rule.kind === 'inline' ? applyInlineRule(rule, body) : rule.test(body)));
        expect(seconds, name).toBeLessThan(CPU_BUDGET_SECONDS);
      }
    });
  }

  it('leaves a hostile line that ends with no site name or label as it is, within the budget', () => {
    for (const [name, line] of Object.entries({ ...hostileLines, 'a megabyte of spaces': hostileArticles['a megabyte of spaces']! })) {
      if (name.includes('"_a"')) continue; // quadratic by nature: the cleaner never hands it a title that long
      let result = '';
      const seconds = cpuSeconds(() => (result = line.replace(TITLE_SITE_SUFFIX, '').replace(TITLE_LABEL, '')));
      expect(result, name).toBe(line);
      expect(seconds, name).toBeLessThan(CPU_BUDGET_SECONDS);
    }
  });
});
