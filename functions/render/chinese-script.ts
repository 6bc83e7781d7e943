import * as OpenCC from 'opencc-js';
import type { Language } from '../core/config.js';

/**
 * Chinese script for a newsletter's language: a `zh-Hant` newsletter reads in Traditional
 * characters with Taiwan usage (軟體, 資訊, 裡) even when a source mixes in Simplified ones, and
 * `zh-Hans` the reverse, with OpenCC's dictionaries (phrases before characters, so 头发 becomes
 * 頭髮, not 頭發). Applied once per edition to article titles and key points, never per reader;
 * it lives here, not in core, because the dictionaries are a megabyte and only rendering needs them.
 */

/**
 * Old-form and Hong Kong glyphs of characters that Taiwan writes otherwise. OpenCC only reaches
 * the Taiwan form from the Simplified one (墙 → 牆), so a Traditional source writing 墻 would
 * keep it; these are purely orthographic pairs (the same word either way), never a word choice
 * such as 乾/幹 or 髮/發.
 */
const TAIWAN_GLYPHS: ReadonlyArray<readonly [string, string]> = [
  ...'墻牆 凈淨 勛勳 厠廁 卽即 嵗歲 奬獎 敎教 旣既 査查 殻殼 産產 眞真 竪豎 絶絕 綉繡 綫線 緑綠 舘館 舖鋪 艷豔 藴蘊 説說 謡謠 鋭銳 録錄 銹鏽 鎭鎮 鑒鑑 閲閱 頽頹 顔顏 駡罵 鷄雞 醖醞 鈎鉤'
    .split(' ')
    .map((pair) => [pair.charAt(0), pair.charAt(1)] as const),
];

/**
 * Words OpenCC's Taiwan phrase table rewrites into another word rather than another script
 * (局部 "partly" becomes 區域性 "regional"); an editor keeps the author's word, so these pass through.
 */
const KEEP_WORDS: readonly string[] = ['局部'];

export type TextConverter = (text: string) => string;

/**
 * Taiwan writes quotations in corner brackets: “…” becomes 「…」 and ‘…’ becomes 『…』. Only a
 * pair that opens and closes inside the text is changed, so a stray mark is left as it was.
 */
function taiwanQuotes(text: string): string {
  return text.replace(/“([^“”]*)”/g, '「$1」').replace(/‘([^‘’]*)’/g, '『$1』');
}

/** Runs `convert` with every word of `keep` held out of its reach (private-use placeholders). */
function keeping(keep: readonly string[], convert: TextConverter): TextConverter {
  const placeholder = (i: number) => String.fromCharCode(0xe000 + i);
  return (text) => {
    let held = text;
    for (const [i, word] of keep.entries()) held = held.replaceAll(word, placeholder(i));
    let out = convert(held);
    for (const [i, word] of keep.entries()) out = out.replaceAll(placeholder(i), word);
    return out;
  };
}

let traditional: TextConverter | undefined;
let simplified: TextConverter | undefined;

function toTaiwanTraditional(): TextConverter {
  if (traditional) return traditional;
  const glyphs = OpenCC.CustomConverter(TAIWAN_GLYPHS);
  const convert = OpenCC.Converter({ from: 'cn', to: 'twp' });
  const both: TextConverter = (text) => taiwanQuotes(keeping(KEEP_WORDS, (t) => convert(glyphs(t)))(text));
  traditional = both;
  return both;
}

function toSimplified(): TextConverter {
  const convert = simplified ?? OpenCC.Converter({ from: 'twp', to: 'cn' });
  simplified = convert;
  return convert;
}

/**
 * The script conversion for a newsletter language, or `undefined` when the language has none.
 * Dictionaries load on first use, so a process that never renders Chinese never builds them.
 *
 * @example
 * scriptConverterFor('zh-Hant')?.('关于墻里的软件'); // '關於牆裡的軟體'
 */
export function scriptConverterFor(language: Language): TextConverter | undefined {
  if (language === 'zh-Hant') return toTaiwanTraditional();
  if (language === 'zh-Hans') return toSimplified();
  return undefined;
}

/**
 * For `cleanArticle`'s `rewordGlossed`: the few characters around a pinyin gloss, to Simplified and
 * back with OpenCC's phrases, so a `zh-Hant` edition reads 複製 where the source wrote 復(fù)制. `undefined`
 * for any other language.
 *
 * @example
 * glossRewordingFor('zh-Hant')?.('部復制'); // '部複製'
 */
export function glossRewordingFor(language: Language): TextConverter | undefined {
  if (language !== 'zh-Hant') return undefined;
  const toTraditional = toTaiwanTraditional();
  const back = fromTraditional ?? OpenCC.Converter({ from: 'tw', to: 'cn' });
  fromTraditional = back;
  return (text) => toTraditional(back(text));
}

let fromTraditional: TextConverter | undefined;
