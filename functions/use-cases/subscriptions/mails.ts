import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type { NewsletterConfig } from '../../core/config.js';
import { deliveryGroupOf } from '../../core/delivery/groups.js';
import type { RenderedEdition } from '../../core/edition.js';
import type { EditionRecord } from '../../core/edition-lifecycle.js';
import type { Subscriber } from '../../core/subscriber.js';
import { CONFIRM_TOKEN_TTL_SECONDS, readerLinks, signToken } from '../../core/tokens.js';
import { MessageTemplate, messageHeadersFor } from '../../mail/message-template.js';
import { MailerError } from '../../core/errors.js';
import { renderConfirmation, renderWelcome } from '../../render/render-confirm.js';
import type { RenderOptions } from '../../render/template-files.js';
import { GroupLocks } from '../delivery/group-locks.js';
import type { SubscriptionDependencies } from './dependencies.js';

/** The templates of a newsletter's mails: its own folder first, the bundled one for what it lacks. */
export function mailTemplates(deps: Pick<SubscriptionDependencies, 'templatesDir' | 'templateDirs'>, newsletter: NewsletterConfig): RenderOptions {
  const own = deps.templateDirs?.[newsletter.id];
  return {
    ...((own ?? deps.templatesDir) ? { templatesDir: own ?? deps.templatesDir } : {}),
    ...(deps.templatesDir ? { bundledTemplatesDir: deps.templatesDir } : {}),
  };
}

/** Mails one confirmation link (used by sign-up and by `subscribers invite`). */
export async function sendConfirmation(deps: SubscriptionDependencies, newsletter: NewsletterConfig, email: string, id: string, now: Date): Promise<void> {
  const token = signToken(deps.tokenKeys.signing, {
    purpose: 'confirm',
    newsletterId: newsletter.id,
    subscriberId: id,
    expiresAt: Math.floor(now.getTime() / 1000) + CONFIRM_TOKEN_TTL_SECONDS,
  });
  const rendered = await renderConfirmation(
    {
      language: newsletter.language,
      newsletterTitle: newsletter.title,
      confirmUrl: `${baseOf(newsletter)}/confirm?token=${token}`,
      postalAddress: newsletter.postalAddress,
    },
    mailTemplates(deps, newsletter),
  );
  await sendWithRetry(deps, () => sendOne(deps, newsletter, rendered, email, id, `confirm.${newsletter.id}.${id}.${now.getTime()}`, now));
}

/**
 * SES throttles when sign-ups and an edition compete for the send rate: wait and try again rather
 * than drop the reader's confirmation. Refusals (a bad address) are not retried.
 */
export async function sendWithRetry(deps: SubscriptionDependencies, send: () => Promise<string>): Promise<void> {
  const retry = deps.confirmationRetry ?? { retries: 3, minTimeout: 1000 };
  await pRetry(send, {
    retries: retry.retries,
    minTimeout: retry.minTimeout,
    factor: 2,
    shouldRetry: ({ error }) => error instanceof MailerError && error.retryable,
  });
}

/** Sends the latest sent edition (once per reader, through the ledger) or a welcome email. */
export async function sendWelcome(
  deps: SubscriptionDependencies,
  newsletter: NewsletterConfig,
  subscriber: Subscriber,
  now: Date,
): Promise<{ kind: 'latest-edition'; subject: string } | { kind: 'welcome-email' | 'none' }> {
  if (newsletter.welcome === 'none') return { kind: 'none' };
  if (newsletter.welcome === 'latest-edition') {
    const latest = (await deps.editions.list(newsletter.id, 10)).find((e) => e.status === 'sent');
    const rendered = latest && (await deps.editions.getRendered(newsletter.id, latest.editionId));
    if (latest && rendered && (await sendLatestOnce(deps, newsletter, latest, rendered, subscriber)))
      return { kind: 'latest-edition', subject: latest.subject };
  }
  const rendered = await renderWelcome(
    { language: newsletter.language, newsletterTitle: newsletter.title, postalAddress: newsletter.postalAddress },
    mailTemplates(deps, newsletter),
  );
  await sendOne(deps, newsletter, rendered, subscriber.email, subscriber.id, `welcome.${newsletter.id}.${subscriber.id}.${now.getTime()}`, now);
  return { kind: 'welcome-email' };
}

/**
 * The latest edition to one new reader, under the same lock as its senders: the reader's delivery
 * group is locked (a resend of the edition may be sending to the group right now), the ledger says
 * whether the reader has it, and the send is marked before the group is let go. False when a sender
 * holds the group or the reader has the edition: the welcome email goes instead.
 */
async function sendLatestOnce(
  deps: SubscriptionDependencies,
  newsletter: NewsletterConfig,
  latest: EditionRecord,
  rendered: RenderedEdition,
  subscriber: Subscriber,
): Promise<boolean> {
  const group = deliveryGroupOf(subscriber.id, latest.deliveryGroups);
  const locks = new GroupLocks(
    { clock: deps.clock, ledger: deps.ledger, editionId: latest.editionId, owner: `welcome:${randomUUID()}` },
    latest.deliveryGroups !== undefined,
  );
  const held = await locks.take([group]);
  if (!held.has(group)) return false;
  try {
    if ((await deps.ledger.entries(latest.editionId, [subscriber.id])).get(subscriber.id)?.status === 'sent') return false;
    const messageId = await sendOne(
      deps,
      newsletter,
      rendered,
      subscriber.email,
      subscriber.id,
      `${latest.editionId}.${subscriber.id}`,
      new Date(latest.createdAt),
    );
    await deps.ledger.markSentMany(latest.editionId, [{ subscriberId: subscriber.id, messageId }], deps.clock.now().toISOString());
    return true;
  } finally {
    await locks.release(held);
  }
}

export async function sendOne(
  deps: SubscriptionDependencies,
  newsletter: NewsletterConfig,
  rendered: RenderedEdition,
  email: string,
  id: string,
  messageKey: string,
  date: Date,
): Promise<string> {
  const template = await MessageTemplate.create(rendered, messageHeadersFor(newsletter, date));
  const raw = template.personalise({ to: email, ...readerLinks(deps.tokenKeys.signing, newsletter.baseUrl, newsletter.id, id), messageKey });
  // The mailer sends to an internationalised domain in its punycode form.
  const { messageId } = await deps.mailer.send({ from: newsletter.from.email, to: email, raw });
  return messageId;
}

export function baseOf(newsletter: NewsletterConfig): string {
  return newsletter.baseUrl.replace(/\/+$/, '');
}

/**
 * Renders each newsletter's confirmation and welcome mail once with a sample link, so a broken
 * template of one's own stops `newsletter dev` at start with the file's name, instead of failing
 * the first reader's sign-up in the background.
 */
export async function checkMailTemplates(deps: Pick<SubscriptionDependencies, 'newsletters' | 'templatesDir' | 'templateDirs'>): Promise<void> {
  for (const newsletter of deps.newsletters) {
    const options = mailTemplates(deps, newsletter);
    const common = { language: newsletter.language, newsletterTitle: newsletter.title, postalAddress: newsletter.postalAddress };
    await renderConfirmation({ ...common, confirmUrl: `${baseOf(newsletter)}/confirm?token=sample` }, options);
    await renderWelcome({ ...common, latestEditionUrl: `${baseOf(newsletter)}/archive` }, options);
  }
}
