import { LlmKeyPointExtractor, type Completion, type CompletionRequest, type LlmExtractorOptions } from './llm-key-point-extractor.js';

/**
 * Key points from any endpoint that speaks OpenAI's chat completions API (OpenAI, Azure OpenAI,
 * vLLM, Ollama, LM Studio, OpenRouter…), under the contract of `LlmKeyPointExtractor`.
 *
 * @example
 * const extractor = new OpenAiCompatibleKeyPointExtractor({
 *   baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', apiKey: process.env.LLM_API_KEY,
 *   fallback: new EmbeddedKeyPointExtractor(), clock: systemClock,
 * });
 */
export interface OpenAiCompatibleOptions extends LlmExtractorOptions {
  /** The API's base URL, up to and including `/v1`: `/chat/completions` is added. */
  baseUrl: string;
  /** Sent as a bearer token when given (read from the environment variable the config names). */
  apiKey?: string | undefined;
  /** Ask for `response_format: json_schema` (default); off for servers that reject it. */
  jsonSchema?: boolean;
  fetch?: typeof fetch;
}

export class OpenAiCompatibleKeyPointExtractor extends LlmKeyPointExtractor {
  readonly name = 'openai-compatible';
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #jsonSchema: boolean;
  readonly #fetch: typeof fetch;

  constructor(options: OpenAiCompatibleOptions) {
    super(options);
    this.#url = `${options.baseUrl.replace(/\/+$/u, '')}/chat/completions`;
    this.#apiKey = options.apiKey;
    this.#jsonSchema = options.jsonSchema ?? true;
    this.#fetch = options.fetch ?? fetch;
  }

  protected async complete(request: CompletionRequest): Promise<Completion> {
    const body = {
      model: this.model,
      temperature: 0,
      max_tokens: request.maxOutputTokens,
      messages: [
        { role: 'system', content: request.system },
        { role: 'user', content: request.user },
      ],
      ...(this.#jsonSchema ? { response_format: { type: 'json_schema', json_schema: { name: 'key_points', strict: true, schema: request.schema } } } : {}),
    };
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: request.signal,
      });
    } catch (error) {
      return { ok: false, reason: `the call to ${this.#url} failed (${(error as Error).message})` };
    }
    if (response.status === 429) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => {});
      return { ok: false, reason: `throttled (HTTP 429)`, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) };
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (error) {
      return { ok: false, reason: `HTTP ${response.status} with a body that is not JSON (${(error as Error).message})` };
    }
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}: ${JSON.stringify(payload).slice(0, 120)}` };
    const choice = (payload as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] }).choices?.[0];
    if (choice?.finish_reason === 'length') return { ok: false, reason: 'the answer ran over the token budget (finish_reason "length")' };
    const content = choice?.message?.content;
    if (typeof content !== 'string') return { ok: false, reason: 'the response has no choices[0].message.content' };
    return { ok: true, text: content };
  }
}

/** Retry-After in seconds or as an HTTP date (a date is taken as "not soon": no retry). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
