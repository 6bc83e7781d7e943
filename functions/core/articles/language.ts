/**
 * Language detection by script statistics: enough to pick stop words, sentence rules and the
 * Traditional or Simplified form of Chinese, without a model.
 */

export type DetectedLanguage = 'zh-Hant' | 'zh-Hans' | 'en' | 'other';

/**
 * Pairs of characters whose Traditional (first string) and Simplified (second string) forms differ
 * and that are common in running text. Characters that exist in both scripts with another meaning
 * (后, 于, 面…) are left out so they do not vote.
 */
const TRADITIONAL =
  '這們來說時會國學對發開關問與為當經過點還實現體動變應樣從無種記頭見電長車東書語報區聽讓認隊錢萬歲親義業產運進邊達選擇際權價個華專術壓級場員腦氣網機們現幾麼嗎們資訊術們爭戰識練讀費單導將處總種據難歷師結給問題線這樣';
const SIMPLIFIED =
  '这们来说时会国学对发开关问与为当经过点还实现体动变应样从无种记头见电长车东书语报区听让认队钱万岁亲义业产运进边达选择际权价个华专术压级场员脑气网机们现几么吗们资讯术们争战识练读费单导将处总种据难历师结给问题线这样';

const traditionalOnly = new Set<string>();
const simplifiedOnly = new Set<string>();
for (let i = 0; i < Math.min(TRADITIONAL.length, SIMPLIFIED.length); i++) {
  const t = TRADITIONAL[i]!;
  const s = SIMPLIFIED[i]!;
  if (t !== s) {
    traditionalOnly.add(t);
    simplifiedOnly.add(s);
  }
}

const ENGLISH_WORDS = new Set([
  'the',
  'and',
  'of',
  'to',
  'in',
  'is',
  'that',
  'for',
  'it',
  'was',
  'on',
  'with',
  'he',
  'she',
  'as',
  'at',
  'by',
  'are',
  'be',
  'this',
  'have',
  'from',
  'his',
  'her',
  'they',
  'not',
  'but',
  'said',
  'has',
  'an',
  'a',
  'will',
  'were',
  'their',
  'who',
  'which',
  'we',
  'you',
  'i',
]);

/** Characters looked at: enough for a stable answer, bounded for very large articles. */
const SAMPLE_CHARS = 20_000;

/**
 * Detects the main language of `text` from character statistics.
 *
 * @example
 * detectLanguage('人才流失是一種技術失血。'); // 'zh-Hant'
 * detectLanguage('The bridge collapsed during rush hour.'); // 'en'
 */
export function detectLanguage(text: string): DetectedLanguage {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS / 2) + text.slice(-SAMPLE_CHARS / 2) : text;
  let han = 0;
  let kana = 0;
  let hangul = 0;
  let latin = 0;
  let other = 0;
  let traditional = 0;
  let simplified = 0;
  for (const ch of sample) {
    if (/\p{Script=Han}/u.test(ch)) {
      han++;
      if (traditionalOnly.has(ch)) traditional++;
      else if (simplifiedOnly.has(ch)) simplified++;
    } else if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) kana++;
    else if (/\p{Script=Hangul}/u.test(ch)) hangul++;
    else if (/[A-Za-z]/.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) other++;
  }
  const letters = han + kana + hangul + latin + other;
  if (letters === 0) return 'other';
  if (kana > 0 && kana >= han * 0.15) return 'other';
  if (hangul > han && hangul > latin) return 'other';
  // A Han character carries about as much as a Latin word (~5 letters): weigh them so.
  if (han > 0 && han * 5 >= latin && han >= other) return traditional > simplified ? 'zh-Hant' : 'zh-Hans';
  if (latin >= other) {
    const words = sample.toLowerCase().match(/[a-z]+/g) ?? [];
    const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
    if (words.length > 0 && (english / words.length >= 0.08 || (words.length <= 3 && english > 0))) return 'en';
    // Short English-looking text without function words (a headline) still reads as English.
    if (words.length > 0 && words.length < 8 && other === 0) return 'en';
  }
  return 'other';
}
