/** One message ready to hand to the mail service. */
export interface OutgoingMessage {
  /** Envelope sender (bounce address) and recipient. */
  from: string;
  to: string;
  /** The complete RFC 5322 message. */
  raw: Buffer;
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
