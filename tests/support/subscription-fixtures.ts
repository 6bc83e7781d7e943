import { randomBytes } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSignUpLimitStore } from '../../functions/adapters/dynamodb/sign-up-limit-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import type { Clock } from '../../functions/core/clock.js';
import { newsletterSchema, type NewsletterConfig } from '../../functions/core/config.js';
import type { SubscriptionDependencies } from '../../functions/use-cases/subscriptions/dependencies.js';
import type { TestServers } from './local-servers.js';
import { singleTokenKey } from '../../functions/core/tokens.js';

/** Shared set-up of the subscription tests: two newsletters, real stores and SES, a clock the test moves. */

export const START = new Date('2026-03-02T08:00:00.000Z');

/** The clock of the subscription tests: the one virtual clock, at START; a test moves it with `advance`. */
export function testClock(): VirtualClock {
  return new VirtualClock(START.getTime());
}

export function testNewsletters(baseUrl = 'https://news.example.com'): NewsletterConfig[] {
  const common = {
    postalAddress: 'Example Media Ltd., 1 Example Road, Taipei 100, Taiwan',
    schedule: { cron: '0 8 * * 1', timeZone: 'Asia/Taipei' },
    sources: [{ type: 'folder', path: 'articles' }],
    baseUrl,
  };
  return [
    newsletterSchema.parse({
      ...common,
      id: 'ai-talent',
      title: 'AI 人才週報',
      language: 'zh-Hant',
      from: { name: 'AI 人才週報', email: 'digest@example.com' },
    }),
    newsletterSchema.parse({
      ...common,
      id: 'weekly-en',
      title: 'AI Weekly',
      language: 'en',
      from: { name: 'AI Weekly', email: 'weekly@example.com' },
      welcome: 'welcome-email',
    }),
  ];
}

export interface LogLine {
  event: string;
  fields: Record<string, string | number | boolean>;
}

export function subscriptionDeps(servers: TestServers, clock: Clock, newsletters = testNewsletters()): SubscriptionDependencies & { logs: LogLine[] } {
  const logs: LogLine[] = [];
  return {
    newsletters,
    subscribers: new DynamoSubscriberStore(servers.dynamodb, servers.tableName),
    suppressions: new DynamoSuppressionStore(servers.dynamodb, servers.tableName),
    editions: new DynamoEditionStore(servers.dynamodb, servers.tableName),
    ledger: new DynamoDeliveryLedger(servers.dynamodb, servers.tableName),
    mailer: new SesMailer(servers.ses),
    tokenKeys: singleTokenKey(randomBytes(32)),
    clock,
    signUpLimitStore: new DynamoSignUpLimitStore(servers.dynamodb, servers.tableName),
    // Tests of other behaviour sign up many addresses from one client in one hour.
    signUpLimitSettings: { perMailboxPerHour: 1000, perClientPerHour: 1000, perHour: 100_000, quotaShare: 1 },
    confirmationRetry: { retries: 2, minTimeout: 1 },
    log: (event, fields) => void logs.push({ event, fields }),
    logs,
  };
}

export function sentCount(servers: TestServers): number {
  return servers.embedded.ses!.messages.length;
}

/** Messages the local SES received since `since`, parsed; only those to `to` when given. */
export async function mailsSince(servers: TestServers, since: number, to?: string): Promise<ParsedMail[]> {
  const mails = await Promise.all(servers.embedded.ses!.messages.slice(since).map((m) => simpleParser(m.raw)));
  return to ? mails.filter((m) => recipientOf(m) === to) : mails;
}

export function recipientOf(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined;
}

/** The first link in the text part that starts with `prefix`. */
export function linkIn(mail: ParsedMail, path: string): string | undefined {
  const match = new RegExp(`https?://[^\\s>"]+/${path}\\?token=[A-Za-z0-9._~%-]+`).exec(mail.text ?? '');
  return match?.[0];
}

export function header(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, '');
}
