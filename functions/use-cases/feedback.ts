import { z } from 'zod';
import { subscriberId } from '../core/subscriber.js';
import type { EditionStore } from '../ports/edition-store.js';
import type { SuppressionStore } from '../ports/subscriber-store.js';

/** Transient bounces to the same address before it is suppressed like a hard bounce. */
export const SOFT_BOUNCE_LIMIT = 3;

const recipients = z.array(z.object({ emailAddress: z.string() })).default([]);

/** The parts of an SES bounce or complaint notification the product uses (event publishing or identity notifications). */
const notificationSchema = z.object({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  bounce: z.object({ bounceType: z.string(), bouncedRecipients: recipients }).optional(),
  complaint: z.object({ complainedRecipients: recipients, complaintFeedbackType: z.string().optional() }).optional(),
  mail: z
    .object({
      commonHeaders: z.object({ messageId: z.string().optional() }).partial().optional(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    })
    .optional(),
});

export type FeedbackOutcome =
  | { kind: 'suppressed'; subscriberId: string; reason: string }
  | { kind: 'soft-bounce'; subscriberId: string; count: number }
  | { kind: 'ignored'; reason: string };

/** `<editionId.subscriberId@domain>`: the Message-ID every digest message carries. */
const MESSAGE_ID = /^<?(([a-z0-9][a-z0-9-]*?)-\d{4}-\d{2}-\d{2}-[0-9a-f]{8})\.[0-9a-f]{32}@/;

/**
 * Handles one SES bounce or complaint notification: hard bounces and complaints suppress the
 * address at once, transient bounces after SOFT_BOUNCE_LIMIT repeats. The edition the message belongs
 * to (read from its Message-ID) counts the bounce or complaint, so its sender can pause when the
 * rate passes the limit. Suppression is by keyed address hash, across all newsletters.
 */
export async function handleFeedback(
  payload: unknown,
  deps: { suppressions: SuppressionStore; editions: EditionStore; now: Date; /** Keys the subscriber id an address is found under. */ tokenKey: Buffer },
): Promise<FeedbackOutcome[]> {
  const parsed = notificationSchema.safeParse(payload);
  if (!parsed.success) return [{ kind: 'ignored', reason: 'not an SES notification' }];
  const n = parsed.data;
  const type = n.eventType ?? n.notificationType;
  const at = deps.now.toISOString();
  const outcomes: FeedbackOutcome[] = [];
  const messageId = n.mail?.commonHeaders?.messageId ?? n.mail?.headers?.find((h) => h.name.toLowerCase() === 'message-id')?.value;
  const edition = messageId ? MESSAGE_ID.exec(messageId) : null;

  if (type === 'Bounce' && n.bounce) {
    const permanent = n.bounce.bounceType === 'Permanent';
    for (const r of n.bounce.bouncedRecipients) {
      const id = subscriberId(deps.tokenKey, bareAddress(r.emailAddress));
      if (permanent) {
        await deps.suppressions.suppress(id, 'hard bounce', at);
        outcomes.push({ kind: 'suppressed', subscriberId: id, reason: 'hard bounce' });
        continue;
      }
      const count = await deps.suppressions.recordSoftBounce(id, at);
      if (count >= SOFT_BOUNCE_LIMIT) {
        await deps.suppressions.suppress(id, `${count} soft bounces`, at);
        outcomes.push({ kind: 'suppressed', subscriberId: id, reason: `${count} soft bounces` });
      } else outcomes.push({ kind: 'soft-bounce', subscriberId: id, count });
    }
    if (edition && permanent) await countOn(deps.editions, edition, { bounces: n.bounce.bouncedRecipients.length });
    return outcomes;
  }
  if (type === 'Complaint' && n.complaint) {
    for (const r of n.complaint.complainedRecipients) {
      const id = subscriberId(deps.tokenKey, bareAddress(r.emailAddress));
      await deps.suppressions.suppress(id, 'complaint', at);
      outcomes.push({ kind: 'suppressed', subscriberId: id, reason: 'complaint' });
    }
    if (edition) await countOn(deps.editions, edition, { complaints: n.complaint.complainedRecipients.length });
    return outcomes;
  }
  return [{ kind: 'ignored', reason: `notification type ${type ?? 'unknown'} needs no action` }];
}

async function countOn(editions: EditionStore, match: RegExpExecArray, counts: { bounces?: number; complaints?: number }): Promise<void> {
  try {
    await editions.addCounts(match[2]!, match[1]!, counts);
  } catch {
    // The edition may be gone (TTL) or from another deployment; the suppression is what matters.
  }
}

/** SES may report `"Name" <a@b>`; keep the address. */
function bareAddress(value: string): string {
  const angle = /<([^>]+)>/.exec(value);
  return (angle ? angle[1]! : value).trim();
}
