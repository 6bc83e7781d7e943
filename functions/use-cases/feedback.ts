import { z } from 'zod';
import { subscriberId } from '../core/subscriber.js';
import type { EditionCounts, EditionStore } from '../ports/edition-store.js';
import { EDITION_TAGS } from '../ports/mailer.js';
import type { FeedbackLog, SuppressionStore } from '../ports/subscriber-store.js';

/** Transient bounces to the same address before it is suppressed like a hard bounce. */
export const SOFT_BOUNCE_LIMIT = 3;

const recipients = z.array(z.object({ emailAddress: z.string() })).default([]);

/** The parts of an SES bounce or complaint notification the product uses (event publishing or identity notifications). */
const notificationSchema = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  bounce: z
    .object({ bounceType: z.string(), bounceSubType: z.string().optional(), bouncedRecipients: recipients, feedbackId: z.string().optional() })
    .optional(),
  complaint: z.object({ complainedRecipients: recipients, complaintFeedbackType: z.string().optional(), feedbackId: z.string().optional() }).optional(),
  delivery: z.object({ timestamp: z.string().optional(), recipients: z.array(z.string()).default([]) }).optional(),
  reject: z.object({ reason: z.string().optional() }).optional(),
  deliveryDelay: z.object({ timestamp: z.string().optional(), delayType: z.string().optional(), delayedRecipients: recipients }).optional(),
  mail: z
    .object({
      /** SES's own id of the message (not the Message-ID header). */
      messageId: z.string().optional(),
      /** The message tags of the send (SendRawEmail Tags): `edition` names the edition. */
      tags: z.record(z.string(), z.array(z.string())).optional(),
      commonHeaders: z.object({ messageId: z.string().optional() }).partial().optional(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
});

export type FeedbackOutcome =
  | { kind: 'suppressed'; subscriberId: string; reason: string }
  | { kind: 'soft-bounce'; subscriberId: string; count: number }
  | { kind: 'ignored'; reason: string }
  /** A delivery, reject or delivery-delay event, counted on its edition. */
  | { kind: 'counted'; editionId: string; counts: Partial<EditionCounts> }
  /** The same notification again (SNS or Lambda retried it): suppressions hold, nothing is counted twice. */
  | { kind: 'duplicate'; feedbackKey: string };

/**
 * SES puts an address that bounced or complained for any SES customer on its account-level
 * suppression list and answers sends to it with this bounce: not a hard bounce of this list.
 */
const ACCOUNT_SUPPRESSION_LIST = 'OnAccountSuppressionList';

/** `<editionId.subscriberId@domain>`: the Message-ID every digest message carries. */
const MESSAGE_ID = /^<?(([a-z0-9][a-z0-9-]*?)-\d{4}-\d{2}-\d{2}-[0-9a-f]{8})\.[0-9a-f]{32}@/;

/** What handling SES feedback needs. */
export interface FeedbackDependencies {
  suppressions: SuppressionStore;
  editions: EditionStore;
  feedback: FeedbackLog;
  now: Date;
  /** Keys the subscriber id an address is found under (`TokenKeys.id`). */
  idKey: Buffer;
}

/**
 * Handles one SES event (bounce, complaint, delivery, reject, delivery delay). Bounces and complaints: hard bounces and complaints suppress the
 * address at once, transient bounces after SOFT_BOUNCE_LIMIT repeats. The edition the message belongs
 * to (read from its Message-ID) counts the bounce or complaint, so its sender can pause when the
 * rate passes the limit. Suppression is by keyed address hash, across all newsletters.
 *
 * At least once in, exactly once counted: suppressing is idempotent and always done; the counters
 * (soft bounces, the edition's bounces and complaints) move only for the first delivery of a
 * notification, recorded by SES feedback id (`mail.messageId` + `feedbackId`) in one conditional
 * write. A crash between that write and the counters leaves them one low, never one high.
 * Bounces from SES's account-level suppression list suppress the address but do not count towards
 * the edition's bounce rate: SES refused to send, the list did not bounce.
 */
export async function handleFeedback(payload: unknown, deps: FeedbackDependencies): Promise<FeedbackOutcome[]> {
  const parsed = notificationSchema.safeParse(payload);
  if (!parsed.success) return [{ kind: 'ignored', reason: 'not an SES notification' }];
  const n = parsed.data;
  const type = n.eventType ?? n.notificationType;
  const at = deps.now.toISOString();
  const outcomes: FeedbackOutcome[] = [];
  const messageId = n.mail?.commonHeaders?.messageId ?? n.mail?.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value;
  const edition = editionOf(n.mail?.tags, messageId);
  /** True the first time this notification is seen (or when it carries no id to tell). */
  const firstDelivery = async (feedbackId: string | undefined): Promise<{ first: boolean; key?: string }> => {
    if (!n.mail?.messageId || !feedbackId) return { first: true };
    const key = `${n.mail.messageId}#${feedbackId}`;
    return { first: await deps.feedback.claim(key, at), key };
  };

  if (type === 'Bounce' && n.bounce) {
    const permanent = n.bounce.bounceType === 'Permanent';
    const onAccountList = n.bounce.bounceSubType === ACCOUNT_SUPPRESSION_LIST;
    const ids = n.bounce.bouncedRecipients.map((r) => subscriberId(deps.idKey, bareAddress(r.emailAddress)));
    if (permanent) {
      const reason = onAccountList ? 'on the SES account suppression list' : 'hard bounce';
      for (const id of ids) {
        await deps.suppressions.suppress(id, reason, at);
        outcomes.push({ kind: 'suppressed', subscriberId: id, reason });
      }
    }
    const { first, key } = await firstDelivery(n.bounce.feedbackId);
    if (!first) return [...outcomes, { kind: 'duplicate', feedbackKey: key! }];
    if (!permanent) {
      for (const id of ids) {
        const count = await deps.suppressions.recordSoftBounce(id, at);
        if (count >= SOFT_BOUNCE_LIMIT) {
          await deps.suppressions.suppress(id, `${count} soft bounces`, at);
          outcomes.push({ kind: 'suppressed', subscriberId: id, reason: `${count} soft bounces` });
        } else outcomes.push({ kind: 'soft-bounce', subscriberId: id, count });
      }
    }
    if (edition && permanent && !onAccountList) await countOn(deps.editions, edition, { bounces: ids.length });
    return outcomes;
  }
  if (type === 'Complaint' && n.complaint) {
    for (const r of n.complaint.complainedRecipients) {
      const id = subscriberId(deps.idKey, bareAddress(r.emailAddress));
      await deps.suppressions.suppress(id, 'complaint', at);
      outcomes.push({ kind: 'suppressed', subscriberId: id, reason: 'complaint' });
    }
    const { first, key } = await firstDelivery(n.complaint.feedbackId);
    if (!first) return [...outcomes, { kind: 'duplicate', feedbackKey: key! }];
    if (edition) await countOn(deps.editions, edition, { complaints: n.complaint.complainedRecipients.length });
    return outcomes;
  }
  // What each edition did: counted once per event, never who it was about.
  const counted =
    type === 'Delivery' && n.delivery
      ? { delivered: Math.max(1, n.delivery.recipients.length) }
      : type === 'Reject'
        ? { rejected: 1 }
        : type === 'DeliveryDelay' && n.deliveryDelay
          ? { delayed: Math.max(1, n.deliveryDelay.delayedRecipients.length) }
          : undefined;
  if (counted) {
    if (!edition) return [{ kind: 'ignored', reason: `${type} event of a message that is not an edition's` }];
    const at = type === 'Delivery' ? 'delivery' : type === 'Reject' ? 'reject' : `delay-${n.deliveryDelay?.timestamp ?? ''}`;
    const { first, key } = await firstDelivery(at);
    if (!first) return [{ kind: 'duplicate', feedbackKey: key! }];
    await countOn(deps.editions, edition, counted);
    return [{ kind: 'counted', editionId: edition.editionId, counts: counted }];
  }
  return [{ kind: 'ignored', reason: `notification type ${type ?? 'unknown'} needs no action` }];
}

/**
 * The edition a message belongs to: its SES message tags (every send to the list carries them),
 * else its Message-ID (`<editionId.subscriberId@domain>`, for messages sent before the tags).
 */
function editionOf(tags: Record<string, string[]> | undefined, messageId: string | undefined): { newsletterId: string; editionId: string } | undefined {
  const editionId = tags?.[EDITION_TAGS.edition]?.[0];
  const newsletterId = tags?.[EDITION_TAGS.newsletter]?.[0];
  if (editionId && newsletterId) return { newsletterId, editionId };
  const match = messageId ? MESSAGE_ID.exec(messageId) : null;
  return match ? { newsletterId: match[2]!, editionId: match[1]! } : undefined;
}

async function countOn(editions: EditionStore, edition: { newsletterId: string; editionId: string }, counts: Partial<EditionCounts>): Promise<void> {
  try {
    await editions.addCounts(edition.newsletterId, edition.editionId, counts);
  } catch {
    // The edition may be gone (TTL) or from another deployment; the suppression is what matters.
  }
}

/** SES may report `"Name" <a@b>`; keep the address. */
function bareAddress(value: string): string {
  const angle = /<([^>]+)>/.exec(value);
  return (angle ? angle[1]! : value).trim();
}
