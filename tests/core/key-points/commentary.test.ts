import { describe, expect, it } from 'vitest';
import { carriesFacts, closingStart, leansOnBefore, steers, topicZones } from '../../../functions/core/key-points/commentary.js';
import { readArticle } from '../../../functions/core/key-points/features.js';

describe('steers', () => {
  it('flags the writer’s questions, lead-ins and words to the reader', () => {
    expect(steers('難道真的是國內給不起錢嗎？')).toBe(true);
    expect(steers('看看最近騰訊的一系列操作，就能嗅出那種急迫的味道。')).toBe(true);
    expect(steers('你要說搶人，這邊的互聯網大廠和頂級實驗室也是敢下血本的。')).toBe(true);
    expect(steers('Consider what happens when the money runs out.')).toBe(true);
    expect(steers('So what should you do about it.')).toBe(true);
  });

  it('keeps statements, a lead-in that frames a fact, and a question inside a quotation', () => {
    expect(steers('很多時候，我們擁有了不輸于人的硬件大樓，也不缺經費，卻在軟性制度上布滿了荊棘。')).toBe(false);
    expect(steers('看看當年芯片制造領域的一段公案：臺積電前高管退休后轉投英特爾，傳出2nm制程機密泄露的風聲。')).toBe(false);
    expect(steers('他問“為什么還不動工？”，會議隨即宣布延期。')).toBe(false);
  });
});

describe('leansOnBefore', () => {
  it('sees openings that need the sentence before: pronouns, connectives, "over there"', () => {
    expect(leansOnBefore('他們直接把算法大賽的規格拉到了一個空前的高度。')).toBe(true);
    expect(leansOnBefore('在那邊新組建的超級實驗室里，站著一群技術極客。')).toBe(true);
    expect(leansOnBefore('In that lab, the engineers work without deadlines.')).toBe(true);
    expect(leansOnBefore('They said the bridge was not safe.')).toBe(true);
    expect(leansOnBefore('高校那邊其實也在悄悄地拆墻。')).toBe(false);
    expect(leansOnBefore('In 2025 the lab hired 40 engineers.')).toBe(false);
  });
});

describe('carriesFacts', () => {
  it('sees figures and names, not plain words', () => {
    expect(carriesFacts('獎金池砸下去360萬。')).toBe(true);
    expect(carriesFacts('龐若鳴身邊站著的是像GitHub前CEO這樣的技術極客。')).toBe(true);
    expect(carriesFacts('The plan was approved by Mayor Lopez.')).toBe(true);
    expect(carriesFacts('現在的焦慮，某種程度上也是一種成長的陣痛。')).toBe(false);
    expect(carriesFacts('The plan was approved on the spot.')).toBe(false);
  });
});

const bridge = [
  'The bridge over the river has cracked steel beams and rusted bolts.',
  'Engineers say the cracked steel beams of the bridge need welding.',
  'The bridge beams were last welded decades ago, and the rusted bolts never replaced.',
  'Trucks still cross the bridge although the steel beams have cracked.',
];
const schools = [
  'Meanwhile the school district cannot hire enough teachers for its classes.',
  'Teachers leave the district schools because classes are crowded and salaries low.',
];

describe('topicZones', () => {
  it('moves a cut from the even split to the nearby paragraph break where the topic changes', () => {
    const reading = readArticle({ title: 'Town', paragraphs: [...bridge, ...schools], language: 'en' });
    // An even split in two would cut after the third bridge paragraph; the topic changes after the fourth.
    expect(topicZones(reading, 2)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('gives one zone when one is asked for, and the last zone to sentences past `end`', () => {
    const reading = readArticle({ title: 'Town', paragraphs: [...bridge, ...schools], language: 'en' });
    expect(topicZones(reading, 1)).toEqual([0, 0, 0, 0, 0, 0]);
    const zones = topicZones(reading, 2, 4);
    expect(zones.slice(4)).toEqual([zones[3], zones[3]]);
  });

  it('cuts between sentences when the article is one paragraph', () => {
    const reading = readArticle({ title: 'Town', paragraphs: [[...bridge, ...schools].join(' ')], language: 'en' });
    const zones = topicZones(reading, 3);
    expect(new Set(zones).size).toBe(3);
    expect([...zones].sort((a, b) => a - b)).toEqual(zones);
  });
});

describe('closingStart', () => {
  it('is the first sentence of the last paragraphs that make up at most a tenth of the text', () => {
    const body = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} of the argument says something about the matter at hand.`);
    const reading = readArticle({ title: 'Essay', paragraphs: [...body, 'In the end it is a matter of trust.'], language: 'en' });
    // 13 paragraphs of about equal length: the last one is under a tenth, the last two are not.
    expect(closingStart(reading)).toBe(12);
  });

  it('leaves no closing when the last paragraph is most of the text', () => {
    const reading = readArticle({ title: 'Essay', paragraphs: ['A short opening.', bridge.join(' ')], language: 'en' });
    expect(closingStart(reading)).toBe(reading.sentences.length);
  });
});
