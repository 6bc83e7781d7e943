import { GetSendQuotaCommand, SendRawEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { asciiDomainAddress } from '../../core/email-address.js';
import { MailerError } from '../../core/errors.js';
import type { Mailer, OutgoingMessage, SendQuota } from '../../ports/mailer.js';

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'MaxSendingRateExceeded']);

/** Refusals of the account, its credentials or the sender identity: no other reader would get through either. */
const ACCOUNT_LEVEL = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AccountSendingPausedException',
  'AccountSendingPaused',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'MailFromDomainNotVerified',
  'MailFromDomainNotVerifiedException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'ExpiredToken',
]);

/**
 * MessageRejected is either about one recipient ("Address blacklisted.") or about the account:
 * an unverified sender identity, or the sandbox, which refuses every unverified recipient and so
 * the whole list. The sandbox and identity refusals say so in their message.
 */
const ACCOUNT_LEVEL_REJECTION = /not verified|sandbox|sending paused|account.*(paused|suspended)|not authorized/i;

/**
 * Sends raw MIME through Amazon SES (SendRawEmail). The message is built by the caller; this adapter
 * only maps SES answers to MailerError with `retryable` so the sender can back off and retry.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly options: { configurationSetName?: string; fallbackQuota?: SendQuota } = {},
  ) {}

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    try {
      const result = await this.client.send(
        new SendRawEmailCommand({
          Source: message.from,
          // SES takes ASCII envelopes: an internationalised domain goes in its punycode form.
          Destinations: [asciiDomainAddress(message.to)],
          RawMessage: { Data: message.raw },
          ...(message.tags ? { Tags: Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value: tagValue(Value) })) } : {}),
          ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
        }),
      );
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      throw toMailerError(error);
    }
  }

  async getSendQuota(): Promise<SendQuota> {
    try {
      const quota = await this.client.send(new GetSendQuotaCommand({}));
      return {
        maxSendRate: quota.MaxSendRate ?? 1,
        max24HourSend: quota.Max24HourSend ?? -1,
        sentLast24Hours: quota.SentLast24Hours ?? 0,
      };
    } catch (error) {
      // Some SES-compatible servers do not implement GetSendQuota; a configured fallback keeps them usable.
      if (this.options.fallbackQuota) return this.options.fallbackQuota;
      throw new MailerError(`could not read the SES send quota (${describe(error)}): set delivery.rate in the config or --rate`, {
        retryable: false,
        cause: error,
      });
    }
  }
}

/** SES takes tag values of letters, digits, `_` and `-` (at most 256): anything else becomes `_`. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/gu, '_').slice(0, 256);
}

/**
 * SES answers a send over the 24-hour quota with the same `Throttling` code as a send over the rate,
 * told apart only by the message ("Daily message quota exceeded." against "Maximum sending rate
 * exceeded."): https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html
 */
const DAILY_QUOTA_EXCEEDED = /daily message quota exceeded/i;

function toMailerError(error: unknown): MailerError {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (DAILY_QUOTA_EXCEEDED.test((error as Error).message ?? '')) {
    // Retrying within seconds cannot help: the window frees over hours. The sender stops and waits.
    return new MailerError(`SES refused the message: ${describe(error)}`, { retryable: false, quotaExceeded: true, cause: error });
  }
  const throttled = THROTTLING.has(e.name ?? '') || status === 429;
  const retryable = throttled || status >= 500 || Boolean(e.$retryable) || isNetworkError(error);
  const name = e.name ?? '';
  const accountLevel = !retryable && (ACCOUNT_LEVEL.has(name) || (name === 'MessageRejected' && ACCOUNT_LEVEL_REJECTION.test((error as Error).message ?? '')));
  return new MailerError(`SES refused the message: ${describe(error)}`, { retryable, throttled, accountLevel, cause: error });
}

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'TimeoutError'].includes(code) || (error as { name?: string }).name === 'TimeoutError';
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}${status}`;
}
