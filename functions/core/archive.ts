/**
 * Where an edition's public page lives: under the subscription API's base URL, so the same
 * address works locally (`newsletter dev`) and on AWS (the HTTP API or its custom domain).
 */
export function archiveUrlFor(baseUrl: string, editionId: string): string {
  return `${trimSlash(baseUrl)}/archive/${encodeURIComponent(editionId)}`;
}

/** The archive's index page of one newsletter. */
export function archiveIndexUrlFor(baseUrl: string, newsletterId: string): string {
  return `${trimSlash(baseUrl)}/archive?newsletter=${encodeURIComponent(newsletterId)}`;
}

/** The Atom feed of one newsletter's editions. */
export function archiveFeedUrlFor(baseUrl: string, newsletterId: string): string {
  return `${trimSlash(baseUrl)}/archive/feed.xml?newsletter=${encodeURIComponent(newsletterId)}`;
}

/** The sign-up page of one newsletter: what a public copy links to instead of personal links. */
export function signUpUrlFor(baseUrl: string, newsletterId: string): string {
  return `${trimSlash(baseUrl)}/subscribe?newsletter=${encodeURIComponent(newsletterId)}`;
}

/**
 * Only editions that went (or are going) to the list are public: a draft waiting for review, or
 * one that was skipped, never is.
 */
export function isPublicEdition(status: string): boolean {
  return status === 'sent' || status === 'sending' || status === 'paused';
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
