import { ConverseCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { LlmKeyPointExtractor, type Completion, type CompletionRequest, type LlmExtractorOptions } from './llm-key-point-extractor.js';

/**
 * Key points from a model on Amazon Bedrock (Converse API), under the contract every language-model
 * extractor keeps (`LlmKeyPointExtractor`): the title and N points in the article's own language as
 * strict JSON, each point checked against the article, cached per article, budgeted, and the
 * embedded extractor's points on any fault.
 *
 * @example
 * const extractor = new BedrockKeyPointExtractor({
 *   client: new BedrockRuntimeClient({ region: 'us-east-1' }),
 *   modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
 *   fallback: new EmbeddedKeyPointExtractor(), clock: systemClock,
 * });
 * const { keyPoints, reason } = await extractor.extract(article, { max: 8 });
 */
export interface BedrockKeyPointExtractorOptions extends Omit<LlmExtractorOptions, 'model'> {
  client: BedrockRuntimeClient;
  /** A model id or inference profile id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`. */
  modelId: string;
}

export class BedrockKeyPointExtractor extends LlmKeyPointExtractor {
  readonly name = 'bedrock';
  readonly #client: BedrockRuntimeClient;

  constructor(options: BedrockKeyPointExtractorOptions) {
    super({ ...options, model: options.modelId });
    this.#client = options.client;
  }

  protected async complete(request: CompletionRequest): Promise<Completion> {
    try {
      const response = await this.#client.send(
        new ConverseCommand({
          modelId: this.model,
          system: [{ text: request.system }],
          messages: [{ role: 'user', content: [{ text: request.user }] }],
          inferenceConfig: { maxTokens: request.maxOutputTokens, temperature: 0 },
        }),
        { abortSignal: request.signal },
      );
      if (response.stopReason && response.stopReason !== 'end_turn' && response.stopReason !== 'stop_sequence') {
        return { ok: false, reason: `the model stopped early (${response.stopReason})` };
      }
      const text = (response.output?.message?.content ?? [])
        .map((block) => block.text ?? '')
        .join('')
        .trim();
      return { ok: true, text };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException') return { ok: false, reason: `throttled (${name}: ${message})` };
      const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
      return { ok: false, reason: `the call failed (${name}${status ? `, HTTP ${status}` : ''}: ${message})` };
    }
  }
}
