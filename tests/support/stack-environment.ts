/**
 * The environment the stack gives its Lambda functions, pointed at loopback servers instead of
 * AWS: what the handler tests (and the CLI's `--aws` tests, which run the stack's own handlers)
 * put into `process.env` before loading a handler.
 */
export function stackEnvironment(options: {
  /** AWS_ENDPOINT_URL_* by service suffix, e.g. `{ DYNAMODB: url, SQS: url }`. */
  endpoints: Record<string, string | undefined>;
  tableName: string;
  /** Absent for a function the stack gives no queue (the feedback function). */
  sendQueueUrl?: string;
  tokenSecretArn: string;
  config: unknown;
}): Record<string, string> {
  const endpoints = Object.fromEntries(Object.entries(options.endpoints).flatMap(([service, url]) => (url ? [[`AWS_ENDPOINT_URL_${service}`, url]] : [])));
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...endpoints,
    TABLE_NAME: options.tableName,
    ...(options.sendQueueUrl ? { SEND_QUEUE_URL: options.sendQueueUrl } : {}),
    TOKEN_SECRET_ARN: options.tokenSecretArn,
    NEWSLETTER_CONFIG: JSON.stringify(options.config),
  };
}
