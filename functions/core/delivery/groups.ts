/** How long a delivery-group lock holds unrenewed: longer than one send can take (pacing plus every retry with backoff), shorter than an SQS redelivery. */
export const DEFAULT_LEASE_SECONDS = 600;

/**
 * Readers per delivery group, on average. A sender locks a whole group of an edition's deliveries
 * with one conditional write instead of claiming each reader with one: the claim per reader was a
 * second store call for every message, and made the ledger, not SES, the limit of a send.
 */
export const DELIVERY_GROUP_SIZE = 50;

/** How many delivery groups an edition of `confirmed` readers gets: fixed when the edition is created. */
export function deliveryGroupsFor(confirmed: number): number {
  return Math.max(1, Math.ceil(confirmed / DELIVERY_GROUP_SIZE));
}

const HEX_PREFIX = /^[0-9a-f]{8}/i;

/**
 * The delivery group of one reader of an edition split into `groups` groups. Subscriber ids are
 * keyed hashes in hex, stored in id order: a group is then a run of consecutive ids, so a page of
 * the list touches few groups and the fan-out can queue whole groups. Other ids are hashed (FNV-1a).
 * An edition without groups (created before them) locks each reader on their own.
 */
export function deliveryGroupOf(subscriberId: string, groups: number | undefined): string {
  if (groups === undefined) return `reader#${subscriberId}`;
  const hex = HEX_PREFIX.exec(subscriberId);
  if (hex) return String(Math.floor((parseInt(hex[0], 16) / 0x1_0000_0000) * groups));
  return String(fnv1a(subscriberId) % groups);
}

/** FNV-1a (32 bits) of a string: spreads any id format evenly (delivery groups, ledger partitions). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
