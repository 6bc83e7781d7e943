import type { Language, NewsletterConfig } from '../core/config.js';
import type { RenderedEdition } from '../core/edition.js';
import { checkEmail } from '../core/email-address.js';
import { NewsletterError } from '../core/errors.js';
import { MessageTemplate, messageHeadersFor } from '../mail/message-template.js';
import type { Mailer } from '../ports/mailer.js';
import type { Clock } from '../core/clock.js';
import { Pacer } from '../core/pacer.js';

/** How a test copy's subject is marked, in the newsletter's language. */
const TEST_SUBJECT_MARK: Record<Language, string> = {
  en: '[Test]',
  'zh-Hant': '[測試]',
  'zh-Hans': '[测试]',
  de: '[Test]',
  fr: '[Test]',
  es: '[Prueba]',
  ja: '[テスト]',
  ko: '[테스트]',
};

export interface TestSendDependencies {
  mailer: Mailer;
  clock: Clock;
}

export interface TestSendResult {
  sent: number;
  subject: string;
}

/**
 * Parses `--test-to a@x,b@y`: every address must be valid, or nothing is sent, since a typo in a
 * test list is found more cheaply before the send than after.
 */
export function parseTestAddresses(list: string): string[] {
  const addresses = list
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (addresses.length === 0) throw new NewsletterError('--test-to needs at least one address: give EMAIL[,EMAIL]');
  return [
    ...new Set(
      addresses.map((a) => {
        const parsed = checkEmail(a);
        if (!parsed.ok) throw new NewsletterError(`--test-to: "${a.slice(0, 80)}" is not an email address (${parsed.reason}); fix the list and run again`);
        return parsed.email;
      }),
    ),
  ];
}

/**
 * Sends the edition being built to a few addresses only, subject marked as a test. Nothing is
 * recorded: no edition, no ledger entry, no article marked sent, so the real run that follows
 * still sends the same articles to the list. The personal links point at the sign-up page, since
 * a test reader has no subscription to leave.
 *
 * @example
 * await sendTestCopies(newsletter, { mailer, clock }, { rendered, editionId }, ['me@example.com']);
 */
export async function sendTestCopies(
  newsletter: NewsletterConfig,
  deps: TestSendDependencies,
  edition: { rendered: RenderedEdition; editionId: string },
  addresses: string[],
  options: { subjectMark?: string } = {},
): Promise<TestSendResult> {
  const mark = options.subjectMark ?? TEST_SUBJECT_MARK[newsletter.language];
  const subject = `${mark} ${edition.rendered.subject}`;
  const template = await MessageTemplate.create({ ...edition.rendered, subject }, messageHeadersFor(newsletter, deps.clock.now()));
  const signUp = `${newsletter.baseUrl.replace(/\/+$/, '')}/subscribe?newsletter=${encodeURIComponent(newsletter.id)}`;
  const quota = await deps.mailer.getSendQuota();
  const pacer = new Pacer(quota.maxSendRate > 0 ? quota.maxSendRate : 1, deps.clock);
  let sent = 0;
  for (const [i, to] of addresses.entries()) {
    await pacer.wait();
    const raw = template.personalise({
      to,
      unsubscribeUrl: signUp,
      preferencesUrl: signUp,
      messageKey: `test-${edition.editionId}-${deps.clock.now().getTime()}-${i}`,
    });
    await deps.mailer.send({ from: newsletter.from.email, to, raw });
    sent++;
  }
  return { sent, subject };
}
