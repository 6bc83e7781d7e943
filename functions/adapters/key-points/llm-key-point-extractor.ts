import { createHash } from 'node:crypto';
import type { Article } from '../../core/article.js';
import type { Clock } from '../../core/clock.js';
import { checkFacts, inArticleLanguage, unsupportedFact } from '../../core/key-points/faithfulness.js';
import type { CachedKeyPoints, KeyPointCache } from '../../ports/key-point-cache.js';
import type { KeyPointExtractor, KeyPointOptions, KeyPointResult } from '../../ports/key-point-extractor.js';

/**
 * The contract every language-model extractor keeps (an OpenAI-compatible endpoint, Bedrock):
 * one prompt asking for the article's title and N key points in its own language and script, as
 * strict JSON; the answer checked against the article (every figure, date, amount and name in a
 * point must be in it, else the point is dropped and replaced from the embedded extractor); one
 * answer per article, model and prompt version, cached so a re-run never pays twice; a time and
 * token budget per article; and on any failure (timeout, 429 beyond the budget, malformed JSON, a
 * wrong language) the embedded extractor's points for that article, with the reason, never a lost
 * edition. An adapter implements `complete` only.
 */

/** Bumped whenever the prompt or the answer's form changes: cached answers of another version are not reused. */
const PROMPT_VERSION = 'kp-llm-1';

const SYSTEM_PROMPT = [
  'You write the title and the key points of a news article for a newsletter, as a careful editor would.',
  'Write in the language and script of the article itself (Traditional Chinese for an article in Traditional ' +
    'Chinese, Simplified for Simplified, English for English).',
  'Each key point is one short sentence that states a fact of the article: use only figures, dates, amounts and ' +
    'names that the article states, exactly as written there.',
  'Answer with JSON only, no prose: {"title": "...", "keyPoints": ["...", ...]}.',
].join(' ');

/** The JSON schema of an answer, for endpoints that take `response_format` with a schema. */
const ANSWER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'keyPoints'],
  properties: { title: { type: 'string' }, keyPoints: { type: 'array', items: { type: 'string' } } },
} as const;

export interface CompletionRequest {
  system: string;
  user: string;
  schema: typeof ANSWER_SCHEMA;
  maxOutputTokens: number;
  signal: AbortSignal;
}

/** What the endpoint said: its text, or why not (with the wait it asks for, on a 429). */
export type Completion = { ok: true; text: string } | { ok: false; reason: string; retryAfterMs?: number };

export interface LlmExtractorOptions {
  /** The model's name, part of the cache key. */
  model: string;
  /** Gives the points when the model's answer cannot be used, and the points that replace dropped ones. */
  fallback: KeyPointExtractor;
  cache?: KeyPointCache | undefined;
  /** Time and waits (Retry-After) go through it, so tests need no wall-clock sleeps. */
  clock: Clock;
  /** The whole budget for one article, retries and waits included. Default 30 s. */
  timeoutMs?: number;
  /** Token budget per article: the answer's maximum, and about 4 characters a token for the article sent. Default 8,000. */
  maxTokens?: number;
  /** Called with a warning when an article falls back (the edition goes on). */
  warn?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_TOKENS = 8_000;
const MAX_OUTPUT_TOKENS = 1_000;
const CHARS_PER_TOKEN = 4;
const MAX_ATTEMPTS = 3;

type Answer = { ok: true; title: string; keyPoints: string[] } | { ok: false; reason: string };

/** Parses `{"title": string, "keyPoints": string[]}` (a code fence around it is tolerated). */
function parseAnswer(text: string): Answer {
  const json = /\{[\s\S]*\}/u.exec(text.replace(/^```(?:json)?|```$/gmu, ''))?.[0];
  let parsed: unknown;
  try {
    parsed = json === undefined ? undefined : JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  const answer = parsed as { title?: unknown; keyPoints?: unknown } | undefined;
  if (!answer || !Array.isArray(answer.keyPoints) || !answer.keyPoints.every((p): p is string => typeof p === 'string')) {
    return { ok: false, reason: `the answer is not JSON of the form {"title": "...", "keyPoints": [...]}: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const keyPoints = answer.keyPoints.map((p) => p.trim()).filter(Boolean);
  return { ok: true, title: typeof answer.title === 'string' ? answer.title.trim() : '', keyPoints };
}

export abstract class LlmKeyPointExtractor implements KeyPointExtractor {
  abstract readonly name: string;
  protected readonly model: string;
  readonly #fallback: KeyPointExtractor;
  readonly #cache: KeyPointCache | undefined;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #maxTokens: number;
  readonly #warn: (message: string) => void;

  constructor(options: LlmExtractorOptions) {
    this.model = options.model;
    this.#fallback = options.fallback;
    this.#cache = options.cache;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    this.#warn = options.warn ?? (() => {});
  }

  /** One call to the model. Never throws: a fault is `{ ok: false, reason }`. */
  protected abstract complete(request: CompletionRequest): Promise<Completion>;

  async extract(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, options: KeyPointOptions): Promise<KeyPointResult> {
    // The embedded points come first: they set how many points the article gets, fill in for dropped ones, and are the fallback.
    const embedded = await this.#fallback.extract(article, options);
    const n = embedded.keyPoints.length;
    if (n === 0) return embedded;
    const articleText = [article.title, ...article.paragraphs].join('\n');
    const key = createHash('sha256')
      .update(`${PROMPT_VERSION}\n${this.model}\n${n}\n${article.language ?? ''}\n${articleText}`, 'utf8')
      .digest('hex');

    const cached = await this.#cache?.get(key).catch(() => undefined);
    if (cached) return this.#result(cached, embedded, true);

    const answer = await this.#ask(article, n);
    if (!answer.ok) {
      const reason = `${this.name} model ${this.model}: ${answer.reason}; used the ${this.#fallback.name} extractor for this article`;
      this.#warn(reason);
      return { ...embedded, reason, llm: { dropped: 0, cached: false, fallback: answer.reason } };
    }
    const { kept, dropped } = checkFacts(answer.keyPoints.slice(0, n), articleText);
    const title =
      answer.title && unsupportedFact(answer.title, articleText) === undefined && inArticleLanguage(answer.title, article.language) ? answer.title : undefined;
    const entry: CachedKeyPoints = { keyPoints: kept, dropped: dropped.length, ...(title ? { title } : {}) };
    await this.#cache?.put(key, entry).catch(() => undefined);
    return this.#result(entry, embedded, false);
  }

  /** The model's kept points, then the embedded extractor's best ones up to the same count. */
  #result(entry: CachedKeyPoints, embedded: KeyPointResult, cached: boolean): KeyPointResult {
    const n = embedded.keyPoints.length;
    const points = [...entry.keyPoints];
    for (const point of embedded.keyPoints) {
      if (points.length >= n) break;
      if (!points.includes(point)) points.push(point);
    }
    return { keyPoints: points, ...(entry.title ? { title: entry.title } : {}), llm: { dropped: entry.dropped, cached } };
  }

  async #ask(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, n: number): Promise<Answer> {
    const started = this.#clock.now().getTime();
    const left = () => this.#timeoutMs - (this.#clock.now().getTime() - started);
    const maxOutputTokens = Math.min(MAX_OUTPUT_TOKENS, Math.floor(this.#maxTokens / 2));
    const user = promptFor(article, n, (this.#maxTokens - maxOutputTokens) * CHARS_PER_TOKEN);
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.max(0, left()));
      let completion: Completion;
      try {
        completion = await this.complete({ system: SYSTEM_PROMPT, user, schema: ANSWER_SCHEMA, maxOutputTokens, signal: controller.signal });
      } finally {
        clearTimeout(timer);
      }
      if (controller.signal.aborted) return { ok: false, reason: `no answer within ${this.#timeoutMs} ms (timed out)` };
      if (completion.ok) {
        const answer = parseAnswer(completion.text);
        if (!answer.ok) return answer;
        if (answer.keyPoints.length === 0) return { ok: false, reason: 'the answer has no key points' };
        const foreign = answer.keyPoints.find((p) => !inArticleLanguage(p, article.language));
        if (foreign !== undefined)
          return { ok: false, reason: `the answer is not in the article's language (${article.language}): ${JSON.stringify(foreign.slice(0, 60))}` };
        return answer;
      }
      // Throttled: wait as asked when the wait fits in what is left of the budget.
      const wait = completion.retryAfterMs;
      if (wait === undefined || attempt >= MAX_ATTEMPTS || wait >= left()) {
        return {
          ok: false,
          reason: wait === undefined ? completion.reason : `${completion.reason}; Retry-After ${Math.ceil(wait / 1000)} s is beyond the budget`,
        };
      }
      await this.#clock.sleep(wait);
    }
  }
}

function promptFor(article: Pick<Article, 'title' | 'paragraphs' | 'language'>, n: number, maxChars: number): string {
  let text = article.paragraphs.join('\n\n');
  if (text.length > maxChars) text = text.slice(0, maxChars);
  return [
    `Write the title and exactly ${n} key points of this article, in the article's own language and script${article.language ? ` (${article.language})` : ''}.`,
    `Answer only with JSON: {"title": "...", "keyPoints": [${Array.from({ length: n }, () => '"..."').join(', ')}]}.`,
    '',
    `Headline: ${article.title}`,
    '',
    '<article>',
    text,
    '</article>',
  ].join('\n');
}
