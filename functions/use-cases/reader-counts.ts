import type { NewsletterConfig } from '../core/config.js';
import { checkCountSignature } from '../core/reader-counts.js';
import type { TokenKeys } from '../core/tokens.js';
import type { EditionStore } from '../ports/edition-store.js';

/**
 * Opens and clicks per edition, for newsletters that opt in (`countOpensAndClicks`). Nothing about
 * the reader is read or kept: the pixel and the links carry only the newsletter, the edition and
 * (for a click) the target, signed when the edition was rendered.
 */
export interface ReaderCountDependencies {
  newsletters: readonly NewsletterConfig[];
  editions: Pick<EditionStore, 'get' | 'addCounts'>;
  /** Pixel and link signatures are keyed with the id key, which never rotates: links in editions already mailed keep working. */
  tokenKeys: Pick<TokenKeys, 'id'>;
}

export interface CountRequest {
  newsletterId: string;
  editionId: string;
  signature: string;
}

/** Counts one load of an edition's open pixel; a wrong signature, an unknown edition or a newsletter that does not count is ignored. */
export async function countOpen(deps: ReaderCountDependencies, request: CountRequest): Promise<boolean> {
  const newsletter = deps.newsletters.find((n) => n.id === request.newsletterId);
  if (!newsletter?.countOpensAndClicks) return false;
  if (!checkCountSignature(deps.tokenKeys.id, 'open', request.newsletterId, request.editionId, '', request.signature)) return false;
  if (!(await deps.editions.get(request.newsletterId, request.editionId))) return false;
  await deps.editions.addCounts(request.newsletterId, request.editionId, { opens: 1 });
  return true;
}

export type ClickResult = { ok: true; target: string; counted: boolean } | { ok: false };

/**
 * A click on one of an edition's links: the target only when the signature says the edition
 * carried it (so the route never redirects anywhere else), counted when the newsletter counts.
 * A count that fails does not keep the reader from the article.
 */
export async function countClick(
  deps: ReaderCountDependencies,
  request: CountRequest & { target: string },
  onCountFailed: (error: unknown) => void = () => {},
): Promise<ClickResult> {
  if (!checkCountSignature(deps.tokenKeys.id, 'click', request.newsletterId, request.editionId, request.target, request.signature)) return { ok: false };
  let target: URL;
  try {
    target = new URL(request.target);
  } catch {
    return { ok: false };
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return { ok: false };
  const newsletter = deps.newsletters.find((n) => n.id === request.newsletterId);
  let counted = false;
  if (newsletter?.countOpensAndClicks) {
    try {
      if (await deps.editions.get(request.newsletterId, request.editionId)) {
        await deps.editions.addCounts(request.newsletterId, request.editionId, { clicks: 1 });
        counted = true;
      }
    } catch (error) {
      onCountFailed(error);
    }
  }
  return { ok: true, target: target.href, counted };
}
