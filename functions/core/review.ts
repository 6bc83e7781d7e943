import { createHash } from 'node:crypto';
import { archiveUrlFor } from './archive.js';
import { signToken, verifyToken, type TokenCheck, type TokenKeys } from './tokens.js';

/** Review links expire after 7 days: a draft left longer than that is better built afresh. */
export const REVIEW_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export type ReviewPurpose = 'approve' | 'skip' | 'edit';

/**
 * A token's subject for an edition: a hash of its id in the shape of a subscriber id, so review
 * links are signed and checked by the same code as every other link, and bound to one edition.
 */
function reviewSubject(editionId: string): string {
  return createHash('sha256').update(`edition:${editionId}`).digest('hex').slice(0, 32);
}

/**
 * The operator's approve, skip and edit links for a draft; approve and skip work once (the draft's
 * status changes), edit until the draft is decided; all expire.
 */
export function reviewLinks(
  key: Buffer,
  baseUrl: string,
  newsletterId: string,
  editionId: string,
  now: Date,
): { approveUrl: string; skipUrl: string; editUrl: string } {
  const base = baseUrl.replace(/\/+$/, '');
  const expiresAt = Math.floor(now.getTime() / 1000) + REVIEW_TOKEN_TTL_SECONDS;
  const link = (purpose: ReviewPurpose) =>
    `${base}/${purpose}?edition=${encodeURIComponent(editionId)}&token=${reviewToken(key, purpose, newsletterId, editionId, expiresAt)}`;
  return { approveUrl: link('approve'), skipUrl: link('skip'), editUrl: link('edit') };
}

/** A review token for one purpose and edition, expiring at `expiresAt` (epoch seconds). The edit page signs its approve button's with its own expiry. */
export function reviewToken(key: Buffer, purpose: ReviewPurpose, newsletterId: string, editionId: string, expiresAt: number): string {
  return signToken(key, { purpose, newsletterId, subscriberId: reviewSubject(editionId), expiresAt });
}

/**
 * The review copy's "view in browser" link: the edition's archive page with a signed token, which
 * shows the draft to whoever holds the review mail (the page without it stays private until the
 * edition goes out). It expires with the approve and skip links.
 */
export function reviewViewUrl(key: Buffer, baseUrl: string, newsletterId: string, editionId: string, now: Date): string {
  const expiresAt = Math.floor(now.getTime() / 1000) + REVIEW_TOKEN_TTL_SECONDS;
  return `${archiveUrlFor(baseUrl, editionId)}?token=${signToken(key, { purpose: 'view', newsletterId, subscriberId: reviewSubject(editionId), expiresAt })}`;
}

/** Checks a review token against the edition it claims to be for. */
export function verifyReviewToken(keys: TokenKeys, token: string, purpose: ReviewPurpose | 'view', editionId: string, now: Date): TokenCheck {
  const check = verifyToken(keys, token, purpose, Math.floor(now.getTime() / 1000));
  if (check.ok && check.claims.subscriberId !== reviewSubject(editionId)) return { ok: false, reason: 'forged' };
  return check;
}
