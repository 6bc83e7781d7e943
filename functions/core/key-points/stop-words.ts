/**
 * Small stop-word lists: words that carry grammar, not content, so they should not make two
 * sentences look alike or a sentence look central.
 */

export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him himself his
how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
said says say told according mr mrs ms one two also would could may might must shall new like get got make made many much
year years time week day today yesterday tuesday monday wednesday thursday friday saturday sunday`
    .split(/\s+/)
    .filter(Boolean),
);

/** Chinese function words in both scripts; Han bigrams made only of these characters are dropped. */
export const CHINESE_STOP_CHARS: ReadonlySet<string> = new Set(
  Array.from(
    '的了是在和也都就而及與与或這这那個个們们我你他她它有為为以於于之其被把對对讓让將将從从向到給给並并且但就又再很更最等中上下一不沒没嗎吗呢吧啊呀么麼著着得地所此些還还則则即',
  ),
);

/** Common Chinese words (both scripts) that carry little content even though they are not single function characters. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set([
  '我們',
  '我们',
  '他們',
  '他们',
  '你們',
  '你们',
  '這個',
  '这个',
  '那個',
  '那个',
  '這種',
  '这种',
  '這些',
  '这些',
  '那些',
  '因為',
  '因为',
  '所以',
  '但是',
  '可以',
  '沒有',
  '没有',
  '一個',
  '一个',
  '什麼',
  '什么',
  '怎麼',
  '怎么',
  '自己',
  '就是',
  '還是',
  '还是',
  '如果',
  '雖然',
  '虽然',
  '已經',
  '已经',
  '現在',
  '现在',
  '時候',
  '时候',
  '其實',
  '其实',
  '不過',
  '不过',
  '而且',
  '或者',
  '以及',
  '甚至',
  '只是',
  '這樣',
  '这样',
  '那樣',
  '那样',
  '不是',
  '也是',
  '都是',
  '一些',
  '一種',
  '一种',
  '表示',
  '認為',
  '认为',
  '進行',
  '进行',
  '出現',
  '出现',
]);
