/**
 * A safety net for article titles that still carry their site's name ("Title | Site",
 * "Title - Site", "Title — Site"): the digest already names the source beside each article.
 * Extraction strips most of them; this catches what reaches the renderer anyway, and only when it
 * is clearly a site name, so "Covid-19 — what we know" keeps its second half.
 */

const SUFFIX = /^(.+?)\s*(\s\|\s|｜|\s[-–—]\s)\s*([^|｜]+)$/u;
const MAX_SITE_NAME = 30;

function letters(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** True when `name` reads as the site at `url`: "The Verge" for www.theverge.com, "BBC News" for bbc.co.uk. */
function namesHost(name: string, url: string | undefined): boolean {
  if (/\.[a-z]{2,}$/iu.test(name.trim())) return true;
  if (!url) return false;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  const site = letters(name);
  const labels = host.split('.').filter((label) => label !== 'www' && label.length > 2);
  return site.length > 2 && labels.some((label) => site.includes(letters(label)) || letters(label).includes(site));
}

/**
 * The title without a trailing site name. A bar (`|`, `｜`) is taken as a site name whenever the
 * suffix is short; a dash only when the suffix names the article's own site.
 *
 * @example
 * withoutSiteName('Why researchers move | The Verge', 'https://www.theverge.com/a'); // 'Why researchers move'
 */
export function withoutSiteName(title: string, url?: string): string {
  const match = SUFFIX.exec(title.trim());
  if (!match) return title;
  const [, head = '', separator = '', suffix = ''] = match;
  const words = suffix.trim().split(/\s+/u).length;
  if ([...head].length < 8 || suffix.length > MAX_SITE_NAME || words > 4) return title;
  const bar = separator.includes('|') || separator.includes('｜');
  return bar || namesHost(suffix, url) ? head.trim() : title;
}
