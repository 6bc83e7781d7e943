/** One message ready to hand to the mail service. */
export interface OutgoingMessage {
  /** Envelope sender (bounce address) and recipient. */
  from: string;
  to: string;
  /** The complete RFC 5322 message. */
  raw: Buffer;
  /**
   * Message tags SES puts on every event of this message (delivery, bounce, complaint, reject,
   * delay), so the event names its edition without anyone storing who got what. Names and values:
   * letters, digits, `_` and `-` only.
   */
  tags?: Record<string, string>;
}

/** The tags of an edition's messages to the list: SES events are counted on that edition. */
export const EDITION_TAGS = { newsletter: 'newsletter', edition: 'edition' } as const;

export function editionTags(newsletterId: string, editionId: string): Record<string, string> {
  return { [EDITION_TAGS.newsletter]: newsletterId, [EDITION_TAGS.edition]: editionId };
}

export interface SendQuota {
  /** Messages per second the account may send. */
  maxSendRate: number;
  /** Messages per 24 hours; -1 for unlimited. */
  max24HourSend: number;
  sentLast24Hours: number;
}

/** Sends mail. Throws MailerError with `retryable` set for throttling and server faults. */
export interface Mailer {
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  getSendQuota(): Promise<SendQuota>;
}
