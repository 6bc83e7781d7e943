import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type { Clock } from '../core/clock.js';
import type { NewsletterConfig } from '../core/config.js';
import { deliveryGroupOf } from '../core/delivery/groups.js';
import type { RenderedEdition } from '../core/edition.js';
import type { EditionRecord } from '../core/edition-lifecycle.js';
import { checkEmail } from '../core/email-address.js';
import { clientGroup, DEFAULT_SIGN_UP_LIMITS, hourlyConfirmationBudget, hourWindow, type SignUpLimitSettings } from '../core/sign-up-limits.js';
import { mailboxOf, pseudonym, redactEmail, subscriberId, type Subscriber } from '../core/subscriber.js';
import { CONFIRM_TOKEN_TTL_SECONDS, ERASE_TOKEN_TTL_SECONDS, readerLinks, signToken, verifyToken, type TokenClaims, type TokenKeys, type TokenPurpose } from '../core/tokens.js';
import { MessageTemplate, messageHeadersFor } from '../mail/message-template.js';
import type { AfterAnswer } from '../ports/after-answer.js';
import type { DeliveryLedger } from '../ports/delivery-ledger.js';
import type { EditionStore } from '../ports/edition-store.js';
import { MailerError } from '../core/errors.js';
import type { Mailer } from '../ports/mailer.js';
import type { SignUpLimitStore } from '../ports/sign-up-limits.js';
import type { SubscriberStore, SuppressionStore } from '../ports/subscriber-store.js';
import { renderConfirmation, renderEraseConfirmation, renderWelcome } from '../render/render-confirm.js';
import type { RenderOptions } from '../render/template-files.js';
import { GroupLocks } from './delivery/group-locks.js';

/**
 * Subscriptions: sign up with double opt-in, confirm, unsubscribe, preferences and erasure (confirmed by mail).
 * Functions over ports with an injected clock; expected outcomes are values, faults are thrown.
 * No address ever reaches the log: only subscriber ids (address hashes).
 */

export interface SubscriptionDependencies {
  /** The newsletters a reader can join; ids outside this list are refused. */
  newsletters: readonly NewsletterConfig[];
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  editions: EditionStore;
  /** Used to send the latest edition as a welcome at most once per reader. */
  ledger: DeliveryLedger;
  mailer: Mailer;
  tokenKeys: TokenKeys;
  clock: Clock;
  /** Counters of the sign-up limits, in the shared store. */
  limits: SignUpLimitStore;
  /** Confirmation mail limits; default DEFAULT_SIGN_UP_LIMITS (the config's `signUps`). */
  signUpLimits?: SignUpLimitSettings;
  /**
   * Runs a sign-up's state-dependent work (store, confirmation mail) after the answer is decided.
   * Default: at once, before the use case returns (then the caller must hide its duration).
   */
  afterAnswer?: AfterAnswer;
  /** Retries of a throttled or failed confirmation send (sign-up or erasure); default 3 retries from 1 s, doubling. */
  confirmationRetry?: { retries: number; minTimeout: number };
  /** Structured log line; fields never hold an address. Default: JSON on stdout. */
  log?: SubscriptionLog;
  /** Where the MJML templates are (in a Lambda bundle they sit beside the code). */
  templatesDir?: string;
  /** A newsletter's own template folder, by newsletter id: its confirm.mjml and welcome.mjml, if any, word these mails. */
  templateDirs?: Record<string, string>;
}

/** The templates of a newsletter's mails: its own folder first, the bundled one for what it lacks. */
function mailTemplates(deps: Pick<SubscriptionDependencies, 'templatesDir' | 'templateDirs'>, newsletter: NewsletterConfig): RenderOptions {
  const own = deps.templateDirs?.[newsletter.id];
  return {
    ...(own ?? deps.templatesDir ? { templatesDir: own ?? deps.templatesDir } : {}),
    ...(deps.templatesDir ? { bundledTemplatesDir: deps.templatesDir } : {}),
  };
}

export type SubscriptionLog = (event: string, fields: Record<string, string | number | boolean>) => void;

/** A confirmation is re-sent to the same address at most this often. */
export const CONFIRMATION_RESEND_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Erase-confirmation mails to one address per hour. Whoever holds a (forwarded) edition can ask
 * for them; a few is plenty for the reader, and more would let that person fill the reader's inbox.
 */
const ERASE_REQUESTS_PER_MAILBOX_PER_HOUR = 3;

export interface SubscribeInput {
  email: unknown;
  newsletterId: string;
  /** The honeypot field: people never see it, so anything in it came from a robot. */
  honeypot?: string | undefined;
  /** Consent evidence: where the request came from, e.g. `sign-up page`. */
  source: string;
  /** The client's address (source IP), for the per-client limit; never stored readable. */
  client?: string | undefined;
}


export type SubscribeResult =
  | { ok: true; newsletter: NewsletterConfig }
  | { ok: false; reason: 'invalid-email'; detail: string; newsletter: NewsletterConfig }
  | { ok: false; reason: 'unknown-newsletter' };

/** Why a link did not work: `invalid` covers forged, malformed and wrong-purpose tokens. */
export type LinkFailure = { ok: false; reason: 'invalid' | 'expired' } | { ok: false; reason: 'not-found'; newsletter: NewsletterConfig };

/** `latestEdition`: the subject of the edition that went to the new reader as the welcome, when one did. */
export type ConfirmResult = { ok: true; newsletter: NewsletterConfig; alreadyConfirmed: boolean; latestEdition?: { subject: string } } | LinkFailure;

export type UnsubscribeResult = { ok: true; newsletter: NewsletterConfig; alreadyUnsubscribed: boolean } | LinkFailure;

interface PreferenceChoice {
  newsletterId: string;
  title: string;
  subscribed: boolean;
}

export type PreferencesResult = { ok: true; newsletter: NewsletterConfig; redactedEmail: string; choices: PreferenceChoice[] } | LinkFailure;

export type UpdatePreferencesResult = PreferencesResult | { ok: false; reason: 'unknown-newsletter' };

export type EraseResult = { ok: true; newsletter: NewsletterConfig } | LinkFailure;

/** `ok` whether or not a mail went out (the hourly limit may hold it back): the page says the same. */
export type EraseRequestResult = { ok: true; newsletter: NewsletterConfig } | LinkFailure;

/**
 * Signs up an address: stores it as pending with consent evidence and mails a confirmation link.
 * The answer is the same whether the address was new, pending, confirmed or suppressed, so the
 * form cannot be used to find out who is on the list; and it is given before anything that depends
 * on the address's state runs: that work is handed to `afterAnswer`, which runs it once the answer
 * is out (the local server) or inline behind a constant-time answer (Lambda, see the handler).
 * Confirmation mail is limited per mailbox, per client and per hour (`signUpLimits`).
 *
 * @example
 * const result = await subscribe(deps, { email: 'ann@example.com', newsletterId: 'weekly', source: 'sign-up page', client: '192.0.2.1' });
 */
export async function subscribe(deps: SubscriptionDependencies, input: SubscribeInput): Promise<SubscribeResult> {
  const log = deps.log ?? defaultLog;
  const newsletter = deps.newsletters.find((n) => n.id === input.newsletterId);
  if (!newsletter) return { ok: false, reason: 'unknown-newsletter' };
  if (input.honeypot) {
    log('subscribe.honeypot', { newsletter: newsletter.id });
    return { ok: true, newsletter };
  }
  const checked = checkEmail(input.email);
  if (!checked.ok) return { ok: false, reason: 'invalid-email', detail: checked.reason, newsletter };
  const now = deps.clock.now();
  const afterAnswer = deps.afterAnswer ?? runInline;
  await afterAnswer(async () => {
    try {
      await followUpSignUp(deps, newsletter, checked.email, input, now);
    } catch (error) {
      // The reader sees the same answer either way (an error page would tell that a send was
      // attempted, so that the address is not yet confirmed); a sign-up again later retries.
      log('subscribe.failed', { newsletter: newsletter.id, subscriber: subscriberId(deps.tokenKeys.id, checked.email), error: (error as Error).name });
    }
  });
  return { ok: true, newsletter };
}

/** What depends on the address's state: store it, and mail a confirmation when one is due and allowed. */
async function followUpSignUp(deps: SubscriptionDependencies, newsletter: NewsletterConfig, email: string, input: SubscribeInput, now: Date): Promise<void> {
  const log = deps.log ?? defaultLog;
  const id = subscriberId(deps.tokenKeys.id, email);
  const at = now.toISOString();
  const fields = { newsletter: newsletter.id, subscriber: id };
  // Per mailbox and per client first: a flood from one script then costs one write per request,
  // and stores no pending subscribers for addresses it made up.
  const abusive = await perSenderLimitReached(deps, email, input.client, now);
  if (abusive) {
    log('subscribe.limited', { ...fields, limit: abusive });
    return;
  }
  if (await deps.suppressions.isSuppressed(id)) {
    log('subscribe.suppressed', fields);
    return;
  }

  let existing = await deps.subscribers.get(newsletter.id, id);
  if (!existing) {
    const pending: Subscriber = { id, newsletterId: newsletter.id, email, status: 'pending', createdAt: at, consent: { at, source: input.source } };
    // Two requests at once: the loser reads what the winner stored and follows the same rules.
    if (!(await deps.subscribers.putIfAbsent(pending))) existing = await deps.subscribers.get(newsletter.id, id);
  }
  if (existing?.status === 'confirmed') {
    log('subscribe.already-confirmed', fields);
    return;
  }
  const cutoff = new Date(now.getTime() - CONFIRMATION_RESEND_INTERVAL_MS).toISOString();
  if (!(await deps.subscribers.claimConfirmationSend(newsletter.id, id, at, cutoff))) {
    log('subscribe.resend-limited', fields);
    return;
  }
  if (!(await hourlyBudgetAllows(deps, now))) {
    // Forget the claim: once the budget frees, the reader's next sign-up sends at once.
    await deps.subscribers.update(newsletter.id, id, { confirmationSentAt: undefined });
    log('subscribe.limited', { ...fields, limit: 'hourly-total' });
    return;
  }
  // A new request is new consent evidence; an unsubscribed reader must confirm again.
  if (existing) await deps.subscribers.update(newsletter.id, id, { email, status: 'pending', consent: { at, source: input.source } });

  try {
    await sendConfirmation(deps, newsletter, email, id, now);
  } catch (error) {
    // Nothing went out: forget the send, so trying again does not hit the re-send limit.
    await deps.subscribers.update(newsletter.id, id, { confirmationSentAt: undefined }).catch(() => undefined);
    throw error;
  }
  log('subscribe.confirmation-sent', fields);
}

/**
 * Counts this sign-up against its mailbox and its client; the limit reached, if any. Counted per
 * request, whatever the address's state, so a flood is cut off before it touches any subscriber.
 */
async function perSenderLimitReached(deps: SubscriptionDependencies, email: string, client: string | undefined, now: Date): Promise<'mailbox' | 'client' | undefined> {
  const settings = deps.signUpLimits ?? DEFAULT_SIGN_UP_LIMITS;
  if (!(await takeHourly(deps, now, `mailbox#${pseudonym(deps.tokenKeys.id, 'mailbox', mailboxOf(email))}`, settings.perMailboxPerHour))) return 'mailbox';
  if (client && !(await takeHourly(deps, now, `client#${pseudonym(deps.tokenKeys.id, 'client', clientGroup(client))}`, settings.perClientPerHour))) return 'client';
  return undefined;
}

/**
 * Counts one confirmation against the hourly total (a share of the SES quota); false when spent.
 * Sign-ups and `subscribers invite` both spend from it, so together they never exceed it.
 */
export async function hourlyBudgetAllows(deps: SubscriptionDependencies, now: Date): Promise<boolean> {
  const quota = await deps.mailer.getSendQuota().catch(() => undefined);
  return takeHourly(deps, now, 'total', hourlyConfirmationBudget(deps.signUpLimits ?? DEFAULT_SIGN_UP_LIMITS, quota));
}

function takeHourly(deps: SubscriptionDependencies, now: Date, counter: string, limit: number): Promise<boolean> {
  const window = hourWindow(now);
  // Counters outlive their hour by a day, for a look at what happened; then TTL removes them.
  return deps.limits.take(counter, window.key, limit, Math.floor(window.endsAt.getTime() / 1000) + 24 * 3600);
}

const runInline: AfterAnswer = (work) => work();

/**
 * Checks a confirm link without changing anything: what the page behind a GET shows (a button
 * that POSTs), since mail scanners fetch every link in a message and must not finish a sign-up
 * that someone else started for this address.
 */
export async function checkConfirmLink(deps: SubscriptionDependencies, token: string): Promise<ConfirmResult> {
  const found = await confirmableSubscriber(deps, token);
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter, alreadyConfirmed: found.subscriber.status === 'confirmed' };
}

/**
 * Confirms a subscription (the button on the confirm page, a POST), then welcomes the reader as
 * the newsletter's `welcome` setting says. A forged, expired or orphaned link changes nothing.
 */
export async function confirm(deps: SubscriptionDependencies, token: string): Promise<ConfirmResult> {
  const log = deps.log ?? defaultLog;
  const found = await confirmableSubscriber(deps, token);
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
  if (subscriber.status === 'confirmed') return { ok: true, newsletter, alreadyConfirmed: true };

  const now = deps.clock.now();
  await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'confirmed', confirmedAt: now.toISOString(), unsubscribedAt: undefined });
  log('confirm.confirmed', fields);
  let latestEdition: { subject: string } | undefined;
  try {
    const welcome = await sendWelcome(deps, newsletter, subscriber, now);
    log('confirm.welcome', { ...fields, welcome: welcome.kind });
    if (welcome.kind === 'latest-edition') latestEdition = { subject: welcome.subject };
  } catch (error) {
    // The subscription stands; a welcome that failed to send is not worth an error page.
    log('confirm.welcome-failed', { ...fields, error: (error as Error).name });
  }
  return { ok: true, newsletter, alreadyConfirmed: false, ...(latestEdition ? { latestEdition } : {}) };
}

/** The subscriber a confirm link may still confirm (or has confirmed); a stale link is `expired`. */
async function confirmableSubscriber(deps: SubscriptionDependencies, token: string): Promise<{ ok: true; newsletter: NewsletterConfig; subscriber: Subscriber } | LinkFailure> {
  const found = await subscriberForToken(deps, token, 'confirm');
  if (!found.ok) return found;
  const { newsletter, subscriber, claims } = found;
  if (subscriber.status === 'confirmed') return { ok: true, newsletter, subscriber };
  // Only a link from the latest sign-up confirms: an old confirmation email (or a scanner
  // re-visiting it) must not undo an unsubscribe.
  const issuedAt = (claims.expiresAt ?? 0) - CONFIRM_TOKEN_TTL_SECONDS;
  const requestedAt = subscriber.consent ? Math.floor(Date.parse(subscriber.consent.at) / 1000) : 0;
  if (subscriber.status !== 'pending' || issuedAt < requestedAt) {
    (deps.log ?? defaultLog)('confirm.stale-link', { newsletter: newsletter.id, subscriber: subscriber.id });
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, newsletter, subscriber };
}

/**
 * Checks an unsubscribe link without changing anything: what the page behind a GET shows, since
 * link scanners fetch every link in a message.
 */
export async function checkUnsubscribeLink(deps: SubscriptionDependencies, token: string): Promise<UnsubscribeResult> {
  const found = await subscriberForToken(deps, token, 'unsubscribe');
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter, alreadyUnsubscribed: found.subscriber.status === 'unsubscribed' };
}

/** Unsubscribes at once (RFC 8058 one-click POST, or the button on the page). */
export async function unsubscribe(deps: SubscriptionDependencies, token: string): Promise<UnsubscribeResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, token, 'unsubscribe');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  if (subscriber.status === 'unsubscribed') return { ok: true, newsletter, alreadyUnsubscribed: true };
  await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'unsubscribed', unsubscribedAt: deps.clock.now().toISOString() });
  log('unsubscribe.unsubscribed', { newsletter: newsletter.id, subscriber: subscriber.id });
  return { ok: true, newsletter, alreadyUnsubscribed: false };
}

/** Which newsletters the address behind a preferences link receives. */
export async function getPreferences(deps: SubscriptionDependencies, token: string): Promise<PreferencesResult> {
  const found = await subscriberForToken(deps, token, 'preferences');
  if (!found.ok) return found;
  return preferencesView(deps, found.newsletter, found.subscriber);
}

/**
 * Sets which newsletters the address receives. Joining another newsletter here needs no second
 * confirmation: the link arrived at this address, which is the proof double opt-in asks for.
 */
export async function updatePreferences(deps: SubscriptionDependencies, token: string, wanted: readonly string[]): Promise<UpdatePreferencesResult> {
  const log = deps.log ?? defaultLog;
  if (wanted.some((id) => !deps.newsletters.some((n) => n.id === id))) return { ok: false, reason: 'unknown-newsletter' };
  const found = await subscriberForToken(deps, token, 'preferences');
  if (!found.ok) return found;
  const { subscriber } = found;
  const at = deps.clock.now().toISOString();
  for (const newsletter of deps.newsletters) {
    const record = newsletter.id === subscriber.newsletterId ? subscriber : await deps.subscribers.get(newsletter.id, subscriber.id);
    const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
    if (wanted.includes(newsletter.id)) {
      if (record?.status === 'confirmed') continue;
      const consent = { at, source: 'preferences page' };
      if (record) await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'confirmed', confirmedAt: at, unsubscribedAt: undefined, consent });
      else await deps.subscribers.put({ id: subscriber.id, newsletterId: newsletter.id, email: subscriber.email, status: 'confirmed', createdAt: at, confirmedAt: at, consent });
      log('preferences.subscribed', fields);
    } else if (record && record.status !== 'unsubscribed') {
      await deps.subscribers.update(newsletter.id, subscriber.id, { status: 'unsubscribed', unsubscribedAt: at });
      log('preferences.unsubscribed', fields);
    }
  }
  const updated = (await deps.subscribers.get(found.newsletter.id, subscriber.id)) ?? subscriber;
  return preferencesView(deps, found.newsletter, updated);
}

/**
 * The "erase" button of the preferences page: mails the address a link, valid for a day, that
 * erases it. The preferences link is in every edition, so whoever an edition was forwarded to holds
 * one; erasure cannot be undone, so it takes a link that only the address itself received.
 */
export async function requestErasure(deps: SubscriptionDependencies, preferencesToken: string): Promise<EraseRequestResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, preferencesToken, 'preferences');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  const fields = { newsletter: newsletter.id, subscriber: subscriber.id };
  const now = deps.clock.now();
  if (!(await takeHourly(deps, now, `erase#${pseudonym(deps.tokenKeys.id, 'mailbox', mailboxOf(subscriber.email))}`, ERASE_REQUESTS_PER_MAILBOX_PER_HOUR))) {
    log('erase.limited', fields);
    return { ok: true, newsletter };
  }
  const token = signToken(deps.tokenKeys.signing, {
    purpose: 'erase',
    newsletterId: newsletter.id,
    subscriberId: subscriber.id,
    expiresAt: Math.floor(now.getTime() / 1000) + ERASE_TOKEN_TTL_SECONDS,
  });
  const rendered = await renderEraseConfirmation(
    { language: newsletter.language, newsletterTitle: newsletter.title, eraseUrl: `${baseOf(newsletter)}/erase?token=${token}`, postalAddress: newsletter.postalAddress },
    mailTemplates(deps, newsletter),
  );
  await sendWithRetry(deps, () => sendOne(deps, newsletter, rendered, subscriber.email, subscriber.id, `erase.${newsletter.id}.${subscriber.id}.${now.getTime()}`, now));
  log('erase.confirmation-sent', fields);
  return { ok: true, newsletter };
}

/**
 * Checks an erase link without changing anything: what the page behind a GET shows (a button that
 * POSTs), since mail scanners fetch every link in a message.
 */
export async function checkEraseLink(deps: SubscriptionDependencies, token: string): Promise<EraseResult> {
  const found = await subscriberForToken(deps, token, 'erase');
  if (!found.ok) return found;
  return { ok: true, newsletter: found.newsletter };
}

/**
 * Erases the address (GDPR art. 17) on the button behind an erase link (see requestErasure):
 * deletes its subscriber record on every newsletter and keeps only a suppression entry under the
 * address hash, so it is never mailed again. An erased address's link then names nobody.
 */
export async function erase(deps: SubscriptionDependencies, token: string): Promise<EraseResult> {
  const log = deps.log ?? defaultLog;
  const found = await subscriberForToken(deps, token, 'erase');
  if (!found.ok) return found;
  const { newsletter, subscriber } = found;
  for (const n of deps.newsletters) await deps.subscribers.delete(n.id, subscriber.id);
  await deps.suppressions.suppress(subscriber.id, 'erased at the subscriber’s request', deps.clock.now().toISOString());
  log('erase.erased', { subscriber: subscriber.id });
  return { ok: true, newsletter };
}

async function preferencesView(deps: SubscriptionDependencies, newsletter: NewsletterConfig, subscriber: Subscriber): Promise<PreferencesResult> {
  const choices: PreferenceChoice[] = [];
  for (const n of deps.newsletters) {
    const record = n.id === subscriber.newsletterId ? subscriber : await deps.subscribers.get(n.id, subscriber.id);
    choices.push({ newsletterId: n.id, title: n.title, subscribed: record?.status === 'confirmed' });
  }
  return { ok: true, newsletter, redactedEmail: redactEmail(subscriber.email), choices };
}

function verifiedClaims(
  deps: SubscriptionDependencies,
  token: string,
  purpose: TokenPurpose,
): { ok: true; newsletter: NewsletterConfig; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' } {
  const check = verifyToken(deps.tokenKeys, token, purpose, Math.floor(deps.clock.now().getTime() / 1000));
  if (!check.ok) return { ok: false, reason: check.reason === 'expired' ? 'expired' : 'invalid' };
  const newsletter = deps.newsletters.find((n) => n.id === check.claims.newsletterId);
  // A genuine token for a newsletter that was removed from the config has nothing left to act on.
  if (!newsletter) return { ok: false, reason: 'invalid' };
  return { ok: true, newsletter, claims: check.claims };
}

async function subscriberForToken(
  deps: SubscriptionDependencies,
  token: string,
  purpose: TokenPurpose,
): Promise<{ ok: true; newsletter: NewsletterConfig; subscriber: Subscriber; claims: TokenClaims } | LinkFailure> {
  const verified = verifiedClaims(deps, token, purpose);
  if (!verified.ok) return verified;
  const { newsletter, claims } = verified;
  const subscriber = await deps.subscribers.get(newsletter.id, claims.subscriberId);
  // Erased or suppressed addresses are gone: their old links must not bring them back.
  if (!subscriber || (await deps.suppressions.isSuppressed(claims.subscriberId))) return { ok: false, reason: 'not-found', newsletter };
  return { ok: true, newsletter, subscriber, claims };
}

/** Mails one confirmation link (used by sign-up and by `subscribers invite`). */
export async function sendConfirmation(deps: SubscriptionDependencies, newsletter: NewsletterConfig, email: string, id: string, now: Date): Promise<void> {
  const token = signToken(deps.tokenKeys.signing, {
    purpose: 'confirm',
    newsletterId: newsletter.id,
    subscriberId: id,
    expiresAt: Math.floor(now.getTime() / 1000) + CONFIRM_TOKEN_TTL_SECONDS,
  });
  const rendered = await renderConfirmation({
    language: newsletter.language,
    newsletterTitle: newsletter.title,
    confirmUrl: `${baseOf(newsletter)}/confirm?token=${token}`,
    postalAddress: newsletter.postalAddress,
  }, mailTemplates(deps, newsletter));
  await sendWithRetry(deps, () => sendOne(deps, newsletter, rendered, email, id, `confirm.${newsletter.id}.${id}.${now.getTime()}`, now));
}

/**
 * SES throttles when sign-ups and an edition compete for the send rate: wait and try again rather
 * than drop the reader's confirmation. Refusals (a bad address) are not retried.
 */
async function sendWithRetry(deps: SubscriptionDependencies, send: () => Promise<string>): Promise<void> {
  const retry = deps.confirmationRetry ?? { retries: 3, minTimeout: 1000 };
  await pRetry(send, {
    retries: retry.retries,
    minTimeout: retry.minTimeout,
    factor: 2,
    shouldRetry: ({ error }) => error instanceof MailerError && error.retryable,
  });
}

/** Sends the latest sent edition (once per reader, through the ledger) or a welcome email. */
async function sendWelcome(
  deps: SubscriptionDependencies,
  newsletter: NewsletterConfig,
  subscriber: Subscriber,
  now: Date,
): Promise<{ kind: 'latest-edition'; subject: string } | { kind: 'welcome-email' | 'none' }> {
  if (newsletter.welcome === 'none') return { kind: 'none' };
  if (newsletter.welcome === 'latest-edition') {
    const latest = (await deps.editions.list(newsletter.id, 10)).find((e) => e.status === 'sent');
    const rendered = latest && (await deps.editions.getRendered(newsletter.id, latest.editionId));
    if (latest && rendered && (await sendLatestOnce(deps, newsletter, latest, rendered, subscriber))) return { kind: 'latest-edition', subject: latest.subject };
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
async function sendLatestOnce(deps: SubscriptionDependencies, newsletter: NewsletterConfig, latest: EditionRecord, rendered: RenderedEdition, subscriber: Subscriber): Promise<boolean> {
  const group = deliveryGroupOf(subscriber.id, latest.deliveryGroups);
  const locks = new GroupLocks({ clock: deps.clock, ledger: deps.ledger, editionId: latest.editionId, owner: `welcome:${randomUUID()}` }, latest.deliveryGroups !== undefined);
  const held = await locks.take([group]);
  if (!held.has(group)) return false;
  try {
    if ((await deps.ledger.entries(latest.editionId, [subscriber.id])).get(subscriber.id)?.status === 'sent') return false;
    const messageId = await sendOne(deps, newsletter, rendered, subscriber.email, subscriber.id, `${latest.editionId}.${subscriber.id}`, new Date(latest.createdAt));
    await deps.ledger.markSentMany(latest.editionId, [{ subscriberId: subscriber.id, messageId }], deps.clock.now().toISOString());
    return true;
  } finally {
    await locks.release(held);
  }
}

async function sendOne(
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

function baseOf(newsletter: NewsletterConfig): string {
  return newsletter.baseUrl.replace(/\/+$/, '');
}

const defaultLog: SubscriptionLog = (event, fields) => {
  console.log(JSON.stringify({ event, ...fields }));
};

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
