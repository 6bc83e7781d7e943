/**
 * `Intl.Segmenter` over text of any length, in time linear in its length.
 *
 * V8 hands over every segment with a fresh copy of the whole string being segmented (the
 * segment's `input`), so a string with many segments costs time and memory quadratic in its
 * length: 120,000 characters of short sentences exhausted a 4 GB heap, and the words of a
 * 40,000-character sentence took 5 s. The segmenter here only ever sees a window of the text.
 */

/** A segment as `Intl.Segmenter` gives it, with `index` counted in the whole text. */
export interface TextSegment {
  segment: string;
  index: number;
  isWordLike?: boolean;
}

/**
 * The first window. Text up to this long is segmented whole, exactly as `segmenter.segment(text)`
 * would: real paragraphs are shorter than the window for sentences. Words are many more per
 * character, so their first window is smaller; the words of a longer sentence come out the same
 * but for ICU's dictionary split of a long Han run near a window's end, which the key points do
 * not see (they cut a run of Han words into bigrams whatever its words).
 */
const FIRST_SENTENCE_WINDOW = 8_192;
const FIRST_WORD_WINDOW = 1_024;
/**
 * Segments wanted per later window. Each segment costs a copy of its window, so the window shrinks
 * (to about this many segments) where segments are short, and the work per character stays bounded.
 */
const SEGMENTS_PER_WINDOW = 64;
/** Bounds of a later window: big enough for a segment's context, small enough to copy cheaply. */
const MIN_WINDOW = 256;
const MAX_WINDOW = 8_192;
/**
 * Characters at the end of a window whose segments are not taken from it: where a segment ends
 * can depend on the few characters after it ("U." | "S" or "U.S"), which the window may have cut.
 */
const CONTEXT = 32;

/**
 * The segments of `text`, in order, joining back to `text`, found a window at a time. The segments
 * of a window that end more than CONTEXT characters before its end are final, and the next window
 * starts where they stop; a window with no such segment is doubled until it has one, which keeps
 * the total work linear. Lazy: a caller that needs only the first few segments stops early.
 *
 * @example
 * const sentences = Array.from(segmentsOf(new Intl.Segmenter('en', { granularity: 'sentence' }), text), (s) => s.segment);
 */
export function* segmentsOf(segmenter: Intl.Segmenter, text: string): Generator<TextSegment> {
  if (text.length <= FIRST_WORD_WINDOW) {
    // The usual case (a sentence, a short paragraph): segmented whole, at no extra cost.
    yield* segmenter.segment(text);
    return;
  }
  let start = 0;
  let window = segmenter.resolvedOptions().granularity === 'sentence' ? FIRST_SENTENCE_WINDOW : FIRST_WORD_WINDOW;
  while (start < text.length) {
    const end = Math.min(text.length, start + window);
    const isLast = end === text.length;
    let covered = 0;
    let kept = 0;
    // Segments are taken as the segmenter finds them, none kept in memory: each holds its own copy
    // of the window, and a window's worth of them made the garbage collector the main cost.
    for (const data of segmenter.segment(text.slice(start, end))) {
      const stop = data.index + data.segment.length;
      if (!isLast && stop > window - CONTEXT) break;
      covered = stop;
      kept++;
      yield at(data, start);
    }
    if (isLast) return;
    if (kept === 0) {
      window *= 2;
      continue;
    }
    start += covered;
    window = Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, Math.round((covered * SEGMENTS_PER_WINDOW) / kept)));
  }
}

/** The segment with its index counted in the whole text; the same object, since there can be one per character. */
function at(data: Intl.SegmentData, offset: number): TextSegment {
  data.index += offset;
  return data;
}
