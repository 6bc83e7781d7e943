import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { Article } from '../../core/article.js';
import { localeOf, splitSentences } from '../../core/keypoints/segment.js';
import type { KeyPointExtractor, KeyPointOptions, KeyPointResult } from '../../ports/key-point-extractor.js';

/**
 * Key points chosen by a model on Amazon Bedrock (Converse API). The model may only choose: every
 * point must be a whole sentence copied from the article. Any fault (an error, throttling, a
 * timeout, an answer that is not JSON or invents a sentence) falls back to another extractor,
 * normally the embedded one, and the result's `reason` says why.
 */

export interface BedrockKeyPointExtractorOptions {
  client: BedrockRuntimeClient;
  /** A model id or inference profile id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  modelId: string;
  /** Used whenever the model's answer cannot be used. */
  fallback: KeyPointExtractor;
  /** Abort the call after this long. Default 20 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;
/** Longest article text sent to the model; a newsletter article is far shorter. */
const MAX_PROMPT_CHARS = 60_000;
const MAX_OUTPUT_TOKENS = 2_000;

const SYSTEM_PROMPT = [
  'You choose the key points of an article for a newsletter, as a careful editor would.',
  'Copy whole sentences from the article exactly as written; never rewrite, shorten, merge or invent a sentence.',
  'Prefer sentences with the facts and figures, the reasons, what is at stake and what is being done, and cover the whole article.',
  'Skip rhetorical questions, generic openings and sentences that only make sense after another one.',
  'Answer with JSON only, no prose: {"keyPoints": ["sentence", ...]}, the sentences in article order.',
].join(' ');

type Answer = { ok: true; keyPoints: string[] } | { ok: false; reason: string };

/**
 * @example
 * const extractor = new BedrockKeyPointExtractor({
 *   client: new BedrockRuntimeClient({ region: 'us-east-1' }),
 *   modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
 *   fallback: new EmbeddedKeyPointExtractor(),
 * });
 * const { keyPoints, reason } = await extractor.extract(article, { max: 8 });
 */
export class BedrockKeyPointExtractor implements KeyPointExtractor {
  readonly name = 'bedrock';
  readonly #client: BedrockRuntimeClient;
  readonly #modelId: string;
  readonly #fallback: KeyPointExtractor;
  readonly #timeoutMs: number;

  constructor(options: BedrockKeyPointExtractorOptions) {
    this.#client = options.client;
    this.#modelId = options.modelId;
    this.#fallback = options.fallback;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: KeyPointOptions): Promise<KeyPointResult> {
    const max = Number.isFinite(options.max) ? Math.floor(options.max) : 0;
    const paragraphs = (Array.isArray(article.paragraphs) ? article.paragraphs : []).filter((p) => typeof p === 'string' && p.trim() !== '');
    // Nothing to ask the model about: the fallback gives the usual "no points, because..." answer.
    if (max < 1 || paragraphs.length === 0) return this.#fallback.extract(article, options);

    const answer = await this.#ask({ ...article, paragraphs }, max);
    if (answer.ok && answer.keyPoints.length > 0) return { keyPoints: answer.keyPoints };
    const why = answer.ok ? 'the model chose no sentence' : answer.reason;
    const fallback = await this.#fallback.extract(article, options);
    const note = `Bedrock model ${this.#modelId}: ${why}; used the ${this.#fallback.name} extractor instead`;
    return { keyPoints: fallback.keyPoints, reason: fallback.reason ? `${note} (${fallback.reason})` : note };
  }

  async #ask(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, max: number): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    try {
      const response = await this.#client.send(
        new ConverseCommand({
          modelId: this.#modelId,
          system: [{ text: SYSTEM_PROMPT }],
          messages: [{ role: 'user', content: [{ text: promptFor(article, max) }] }],
          inferenceConfig: { maxTokens: MAX_OUTPUT_TOKENS, temperature: 0 },
        }),
        { abortSignal: controller.signal },
      );
      const text = (response.output?.message?.content ?? [])
        .map((block) => block.text ?? '')
        .join('')
        .trim();
      if (response.stopReason && response.stopReason !== 'end_turn' && response.stopReason !== 'stop_sequence') {
        return { ok: false, reason: `the model stopped early (${response.stopReason})` };
      }
      return validateAnswer(text, article, max);
    } catch (error) {
      return { ok: false, reason: describeFailure(error, controller.signal.aborted, this.#timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function promptFor(article: Pick<Article, 'title' | 'paragraphs'>, max: number): string {
  let text = article.paragraphs.join('\n\n');
  if (text.length > MAX_PROMPT_CHARS) text = text.slice(0, MAX_PROMPT_CHARS);
  return [
    `Choose at most ${max} key points of this article: whole sentences copied exactly from it, in article order.`,
    `Answer only with JSON of the form {"keyPoints": ["...", "..."]} with at most ${max} sentences.`,
    '',
    `Title: ${article.title}`,
    '',
    '<article>',
    text,
    '</article>',
  ].join('\n');
}

function describeFailure(error: unknown, aborted: boolean, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (aborted || name === 'AbortError') return `no answer within ${timeoutMs} ms (timed out)`;
  if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException') return `throttled (${name}: ${message})`;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return `the call failed (${name}${status ? `, HTTP ${status}` : ''}: ${message})`;
}

const normalise = (text: string): string => text.replace(/\s+/gu, ' ').trim();

/**
 * Accepts the answer only when it is JSON `{"keyPoints": string[]}` whose every entry is a sentence
 * of the article (after whitespace normalisation), with no duplicate and at most `max` of them.
 * Points come back in article order, in the article's own spelling.
 */
export function validateAnswer(text: string, article: Pick<Article, 'paragraphs' | 'language'>, max: number): Answer {
  const json = /\{[\s\S]*\}/u.exec(text.replace(/^```(?:json)?|```$/gmu, ''))?.[0];
  let parsed: unknown;
  try {
    parsed = json === undefined ? undefined : JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  const points = (parsed as { keyPoints?: unknown } | undefined)?.keyPoints;
  if (!Array.isArray(points) || !points.every((p): p is string => typeof p === 'string')) {
    return { ok: false, reason: `the answer is not JSON of the form {"keyPoints": [...]}: ${JSON.stringify(text.slice(0, 80))}` };
  }
  if (points.length > max) return { ok: false, reason: `the answer has ${points.length} points, more than the ${max} asked for` };

  const locale = localeOf(article.language);
  const position = new Map<string, { index: number; text: string }>();
  for (const sentence of article.paragraphs.flatMap((p) => splitSentences(p, locale))) {
    const key = normalise(sentence);
    if (!position.has(key)) position.set(key, { index: position.size, text: sentence });
  }
  const chosen: { index: number; text: string }[] = [];
  const seen = new Set<string>();
  for (const point of points) {
    const key = normalise(point);
    const found = position.get(key);
    if (!found) return { ok: false, reason: `the answer has a sentence that is not in the article: ${JSON.stringify(point.slice(0, 80))}` };
    if (seen.has(key)) return { ok: false, reason: `the answer repeats a sentence: ${JSON.stringify(point.slice(0, 80))}` };
    seen.add(key);
    chosen.push(found);
  }
  return { ok: true, keyPoints: chosen.sort((a, b) => a.index - b.index).map((c) => c.text) };
}
