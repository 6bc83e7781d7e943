/** Base of every error the product raises on purpose: each says what failed, for which input, and what to do. */
export class NewsletterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NewsletterError';
  }
}

/** The configuration file is missing or invalid. */
export class ConfigError extends NewsletterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The mail service refused or failed a message; `retryable` for throttling and server faults. */
export class MailerError extends NewsletterError {
  readonly retryable: boolean;
  readonly throttled: boolean;
  constructor(message: string, options: { retryable: boolean; throttled?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'MailerError';
    this.retryable = options.retryable;
    this.throttled = options.throttled ?? false;
  }
}

/** A store (DynamoDB) operation failed. */
export class StoreError extends NewsletterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
