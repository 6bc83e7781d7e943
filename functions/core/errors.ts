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

/**
 * The mail service refused or failed a message; `retryable` for throttling and server faults;
 * `accountLevel` when the refusal is about the account or the sender (unverified identity, sandbox,
 * sending paused, missing permission), so every other message would be refused the same way.
 */
export class MailerError extends NewsletterError {
  readonly retryable: boolean;
  readonly throttled: boolean;
  readonly accountLevel: boolean;
  /**
   * The account's 24-hour sending quota is used up: no reader gets through until the window frees,
   * so the send stops and waits (never a failed reader, never retried at once).
   */
  readonly quotaExceeded: boolean;
  constructor(message: string, options: { retryable: boolean; throttled?: boolean; accountLevel?: boolean; quotaExceeded?: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'MailerError';
    this.retryable = options.retryable;
    this.throttled = options.throttled ?? false;
    this.accountLevel = options.accountLevel ?? false;
    this.quotaExceeded = options.quotaExceeded ?? false;
  }
}

/** A store (DynamoDB) operation failed. */
export class StoreError extends NewsletterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** Another run holds the edition this one would build or send (two forced runs at once). */
export class EditionConflictError extends NewsletterError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EditionConflictError';
  }
}
