/**
 * Pages that hide deep nesting from any scanner that reads HTML differently from the parser that
 * builds the document (htmlparser2, under linkedom). Reading 2,000 nested `<div>`s whole took 165 s
 * of blocked event loop; each page here puts them behind something a scanner may take for a quote,
 * a comment or a raw-text element while the parser does not.
 */

export const HIDDEN_TEXT = 'The council said the harbour clean-up removed two tonnes of plastic from the bay last spring.';

/**
 * What the nesting hides behind: the markup before it, and the markup after it that a scanner may
 * take for the hiding place's end (an inch mark or an apostrophe closing the "quote").
 */
export const HIDING_PLACES: readonly (readonly [name: string, before: string, after: string])[] = [
  ['an attribute with an unbalanced double quote', '<div a">', '<p>The 27" screen sold out.</p>'],
  ['an attribute with an unbalanced single quote', "<div a'>", "<p>It's sold out.</p>"],
  ['a quote inside an unquoted attribute value', '<div title=a"b>', '<p>The 27" screen sold out.</p>'],
  ['<noembed>', '<noembed>', ''],
  ['<noframes>', '<noframes>', ''],
  ['<plaintext>', '<plaintext>', ''],
  ['a comment closed at once (<!-->)', '<!-->', ''],
  ['a comment closed at once (<!--->)', '<!--->', ''],
  ['a CDATA section holding a quote', '<![CDATA[<div a">]]>', '<p>The 27" screen sold out.</p>'],
];

/** `levels` nested `<div>`s around one paragraph, behind `before`, with `after` following them. */
export function hiddenNesting(levels: number, before: string, after: string): string {
  return `<html><body>${before}${'<div>'.repeat(levels)}<p>${HIDDEN_TEXT}</p>${'</div>'.repeat(levels)}${after}</body></html>`;
}

/** 60,000 elements, more than the budget allows, behind an unbalanced quote. */
export const HIDDEN_ELEMENTS = `<html><body><div a">${'<b>x</b>'.repeat(60_000)}<p>The 27" screen sold out.</p></body></html>`;

/**
 * The slowest page found within every limit of the HTML budget (48,640 elements, 127 levels deep,
 * 1 MB): 380 chains of 127 nested `<div class="x">`s, each around one letter. Readability scores and
 * cleans every `<div>` by walking everything below it, so its work grows with elements × depth, and
 * it reads the page again with looser rules up to three more times while it finds too little text:
 * 13.6 s of CPU read synchronously on the machine the tests were written on (chains around a
 * paragraph with commas: 9.4 s; 49,000 siblings: 2.3 s; 200 attributes on 2,000 elements: 4.0 s).
 */
export function readabilityChains(chains = 380, depth = 127): string {
  const chain = `${'<div class="x">'.repeat(depth)}a${'</div>'.repeat(depth)}`;
  return `<html><body>${chain.repeat(chains)}</body></html>`;
}
