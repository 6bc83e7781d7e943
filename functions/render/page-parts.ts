/** The parts every page shares around its own content: header and footer. */

export interface PageHeader {
  newsletterTitle: string;
  date?: string;
  webUrl?: string | undefined;
}

export interface PageFooter {
  whyYouGetThis: string;
  postalAddress: string;
  /** Show the unsubscribe and preferences links (placeholders filled per reader). */
  unsubscribe: boolean;
}

/** The postal address as non-empty lines; the HTML joins them with commas, the text keeps one per line. */
export function addressLines(postalAddress: string): string[] {
  return postalAddress
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
