import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { NewsletterConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { EmbeddedKeyPointExtractor } from './embedded-key-point-extractor.js';
import type { KeyPointExtractor } from '../../ports/key-point-extractor.js';
import { BedrockKeyPointExtractor } from './bedrock-key-point-extractor.js';
import { sdkClientConfig } from '../sdk-client-config.js';
import type { Clock } from '../../core/clock.js';
import type { KeyPointCache } from '../../ports/key-point-cache.js';
import { OpenAiCompatibleKeyPointExtractor } from './openai-compatible-key-point-extractor.js';

export interface CreateKeyPointExtractorDeps {
  /** Answers of a language-model extractor, kept per article (the table). */
  cache?: KeyPointCache | undefined;
  /** Where the API key named by `keyPoints.llm.apiKeyEnv` is read from (the process's environment at the boundary). */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Time for a language-model extractor's budget and Retry-After waits. */
  clock?: Clock;
  /** Told when an article falls back to the embedded extractor. */
  warn?: (message: string) => void;
  fetch?: typeof fetch;
  /** The Bedrock client to use; one with the default configuration is created when none is given. */
  bedrock?: BedrockRuntimeClient;
  /** Abort a Bedrock call after this long; see `BedrockKeyPointExtractor`. */
  timeoutMs?: number;
}

/**
 * The key-point extractor a newsletter asks for in its configuration: the embedded one, or Bedrock
 * with the embedded one as its fallback.
 *
 * @example
 * const extractor = createKeyPointExtractor(newsletter, { bedrock: new BedrockRuntimeClient({ region: 'eu-west-1' }) });
 */
export function createKeyPointExtractor(newsletter: Pick<NewsletterConfig, 'id' | 'keyPoints'>, deps: CreateKeyPointExtractorDeps = {}): KeyPointExtractor {
  const embedded = new EmbeddedKeyPointExtractor();
  if (newsletter.keyPoints.extractor === 'openai-compatible') return openAiCompatible(newsletter, deps, embedded);
  if (newsletter.keyPoints.extractor !== 'bedrock') return embedded;
  const modelId = newsletter.keyPoints.bedrockModelId?.trim();
  if (!modelId) {
    throw new ConfigError(
      `newsletter "${newsletter.id}": keyPoints.extractor is "bedrock" but keyPoints.bedrockModelId is not set; ` +
        'set it to a Bedrock model or inference profile id, or use the "embedded" extractor',
    );
  }
  return new BedrockKeyPointExtractor({
    client: deps.bedrock ?? new BedrockRuntimeClient(sdkClientConfig('bedrock')),
    modelId,
    fallback: embedded,
    cache: deps.cache,
    clock: deps.clock ?? realClock,
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
    ...(deps.warn ? { warn: deps.warn } : {}),
  });
}

const realClock: Clock = { now: () => new Date(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

function openAiCompatible(
  newsletter: Pick<NewsletterConfig, 'id' | 'keyPoints'>,
  deps: CreateKeyPointExtractorDeps,
  embedded: EmbeddedKeyPointExtractor,
): KeyPointExtractor {
  const llm = newsletter.keyPoints.llm;
  if (!llm) {
    throw new ConfigError(
      `newsletter "${newsletter.id}": keyPoints.extractor is "openai-compatible" but keyPoints.llm is not set; ` +
        'set keyPoints.llm to {"baseUrl": "https://…/v1", "model": "…", "apiKeyEnv": "NAME_OF_THE_VARIABLE"}, or use the "embedded" extractor',
    );
  }
  const apiKey = llm.apiKeyEnv ? deps.environment?.[llm.apiKeyEnv] : undefined;
  if (llm.apiKeyEnv && !apiKey) {
    throw new ConfigError(
      `newsletter "${newsletter.id}": keyPoints.llm.apiKeyEnv names ${llm.apiKeyEnv}, which is not set; ` +
        `export ${llm.apiKeyEnv} with the endpoint's API key, or remove apiKeyEnv for an endpoint without one`,
    );
  }
  return new OpenAiCompatibleKeyPointExtractor({
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKey,
    fallback: embedded,
    cache: deps.cache,
    clock: deps.clock ?? realClock,
    ...(llm.timeoutMs !== undefined ? { timeoutMs: llm.timeoutMs } : {}),
    ...(llm.maxTokens !== undefined ? { maxTokens: llm.maxTokens } : {}),
    ...(llm.jsonSchema !== undefined ? { jsonSchema: llm.jsonSchema } : {}),
    ...(deps.warn ? { warn: deps.warn } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
}
