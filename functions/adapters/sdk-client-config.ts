/**
 * The one place AWS SDK clients get their timeouts. The SDK's defaults have none: a call to an
 * endpoint that accepts the connection and never answers would hold a Lambda worker (or an
 * operator's command) until the function's own timeout kills it, with nothing in the logs to say
 * which call hung. Each service gets a budget suited to its calls: SendRawEmail and DynamoDB answer
 * in milliseconds, so a few seconds is already a fault; reading a secret or a stack's outputs is rare
 * and may take longer.
 */

/** The services the functions and the CLI call. */
export type SdkService = 'ses' | 'dynamodb' | 'sqs' | 's3' | 'secretsManager' | 'cloudformation' | 'bedrock' | 'scheduler';

/** Milliseconds to wait for a connection, and for the whole request and its response headers. */
export interface SdkTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
}

const SDK_TIMEOUTS: Readonly<Record<SdkService, SdkTimeouts>> = {
  ses: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  dynamodb: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  sqs: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  scheduler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  s3: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  secretsManager: { connectionTimeout: 3_000, requestTimeout: 10_000 },
  cloudformation: { connectionTimeout: 3_000, requestTimeout: 15_000 },
  // The Bedrock extractor aborts its own call after 20 s and falls back; this only catches a dead connection.
  bedrock: { connectionTimeout: 3_000, requestTimeout: 30_000 },
};

/** What `sdkClientConfig` returns: spread it into a client's constructor options. */
export interface SdkClientConfig {
  requestHandler: SdkTimeouts & { throwOnRequestTimeout: true };
  maxAttempts?: number;
}

/**
 * Client options with the service's timeouts (a test passes smaller ones). SES gets one attempt:
 * the sender paces and retries itself, and SDK retries would hide throttling from it. Since
 * `@smithy/node-http-handler` 4.4 a breached `requestTimeout` only logs a warning unless
 * `throwOnRequestTimeout` is set, so it is.
 *
 * @example
 * const ses = new SESClient({ region, ...sdkClientConfig('ses') });
 */
export function sdkClientConfig(service: SdkService, timeouts: Partial<SdkTimeouts> = {}): SdkClientConfig {
  const { connectionTimeout, requestTimeout } = { ...SDK_TIMEOUTS[service], ...timeouts };
  return {
    requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
    ...(service === 'ses' ? { maxAttempts: 1 } : {}),
  };
}
