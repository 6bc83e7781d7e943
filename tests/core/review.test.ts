import { describe, expect, it } from 'vitest';
import { singleTokenKey } from '../../functions/core/tokens.js';
import { REVIEW_TOKEN_TTL_SECONDS, reviewLinks, verifyReviewToken } from '../../functions/core/review.js';

const key = Buffer.alloc(32, 7);
const now = new Date('2026-03-02T08:00:00.000Z');

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token')!;
}

describe('review links', () => {
  const links = reviewLinks(key, 'https://news.example.com/', 'weekly', 'weekly-2026-03-02-1a2b3c4d', now);

  it('accept their own edition and purpose until they expire', () => {
    expect(links.approveUrl.startsWith('https://news.example.com/approve?edition=weekly-2026-03-02-1a2b3c4d&token=')).toBe(true);
    expect(verifyReviewToken(singleTokenKey(key), tokenOf(links.approveUrl), 'approve', 'weekly-2026-03-02-1a2b3c4d', now).ok).toBe(true);
    const later = new Date(now.getTime() + (REVIEW_TOKEN_TTL_SECONDS + 1) * 1000);
    expect(verifyReviewToken(singleTokenKey(key), tokenOf(links.approveUrl), 'approve', 'weekly-2026-03-02-1a2b3c4d', later)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuse another edition, the other purpose and another key', () => {
    expect(verifyReviewToken(singleTokenKey(key), tokenOf(links.approveUrl), 'approve', 'weekly-2026-03-09-00000000', now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifyReviewToken(singleTokenKey(key), tokenOf(links.skipUrl), 'approve', 'weekly-2026-03-02-1a2b3c4d', now)).toEqual({
      ok: false,
      reason: 'wrong-purpose',
    });
    expect(verifyReviewToken(singleTokenKey(Buffer.alloc(32, 8)), tokenOf(links.approveUrl), 'approve', 'weekly-2026-03-02-1a2b3c4d', now)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });
});
