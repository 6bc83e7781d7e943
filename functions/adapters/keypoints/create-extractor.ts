import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { NewsletterConfig } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { EmbeddedKeyPointExtractor } from './embedded-key-point-extractor.js';
import type { KeyPointExtractor } from '../../ports/key-point-extractor.js';
import { BedrockKeyPointExtractor } from './bedrock-key-point-extractor.js';
import { sdkClientConfig } from '../sdk-client-config.js';

export interface CreateKeyPointExtractorDeps {
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
export function createKeyPointExtractor(
  newsletter: Pick<NewsletterConfig, 'id' | 'keyPoints'>,
  deps: CreateKeyPointExtractorDeps = {},
): KeyPointExtractor {
  const embedded = new EmbeddedKeyPointExtractor();
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
    ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
  });
}
