/**
 * Fetches one feed or web page politely and defensively: a clear User-Agent, a time limit,
 * a size limit, a bounded number of redirects and a content-type check. Every failure comes back
 * as a reason a publisher can act on, never as a thrown error.
 */

export interface HttpFetchOptions {
  /** Whole request, redirects and body included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Bodies past this many bytes are abandoned. Default 5 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /** For tests or proxies; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** What the caller can read: a web page, a feed, or any text. */
export type ExpectedContent = 'html' | 'feed' | 'text';

export type HttpFetchResult =
  | { ok: true; body: string; /** After redirects. */ url: string; contentType: string }
  | { ok: false; reason: string };

export const DEFAULT_USER_AGENT = 'keypoints-newsletter/0.1 (+https://github.com/keypoints-newsletter)';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

const ACCEPT: Record<ExpectedContent, string> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
  feed: 'application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1',
  text: 'text/*,*/*;q=0.1',
};

/**
 * Fetches `url` as text.
 *
 * @example
 * const page = await fetchText('https://example.com/post', 'html', { timeoutMs: 5000 });
 * if (!page.ok) problems.push({ location: url, reason: page.reason }); // e.g. "HTTP 404 Not Found"
 */
export async function fetchText(url: string, expect: ExpectedContent, options: HttpFetchOptions = {}): Promise<HttpFetchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(timeoutMs);

  try {
    let current = parseHttpUrl(url);
    if (typeof current === 'string') return { ok: false, reason: current };
    const visited = new Set<string>([current.href]);

    for (let redirects = 0; ; redirects++) {
      const response = await doFetch(current, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': options.userAgent ?? DEFAULT_USER_AGENT, accept: ACCEPT[expect] },
      });

      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel().catch(() => undefined);
        if (redirects >= maxRedirects) return { ok: false, reason: `too many redirects (more than ${maxRedirects})` };
        const next = parseHttpUrl(response.headers.get('location') ?? '', current.href);
        if (typeof next === 'string') return { ok: false, reason: `redirected to an unusable address: ${next}` };
        if (visited.has(next.href)) return { ok: false, reason: `redirect loop (redirected back to ${next.href})` };
        visited.add(next.href);
        current = next;
        continue;
      }

      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` };
      }

      const contentType = response.headers.get('content-type') ?? '';
      const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      const mismatch = contentMismatch(expect, mediaType);
      if (mismatch) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: mismatch };
      }

      const declaredLength = Number(response.headers.get('content-length'));
      if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: `larger than ${formatBytes(maxBytes)}` };
      }

      const bytes = await readLimited(response, maxBytes);
      if (bytes === undefined) return { ok: false, reason: `larger than ${formatBytes(maxBytes)}` };
      return { ok: true, body: decode(bytes, contentType, mediaType), url: current.href, contentType };
    }
  } catch (error) {
    return { ok: false, reason: describeFailure(error, timeoutMs) };
  }
}

function parseHttpUrl(value: string, base?: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(value, base);
  } catch {
    return `not a valid URL (${value})`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `only http and https URLs can be fetched (${parsed.href})`;
  parsed.hash = '';
  return parsed;
}

function contentMismatch(expect: ExpectedContent, mediaType: string): string | undefined {
  // A server that sends no content type gets the benefit of the doubt; the parser decides.
  if (mediaType === '') return undefined;
  const isXml = mediaType.endsWith('/xml') || mediaType.endsWith('+xml');
  if (expect === 'html') {
    return mediaType === 'text/html' || mediaType === 'application/xhtml+xml' ? undefined : `not HTML (${mediaType})`;
  }
  if (expect === 'feed') {
    // Many servers send feeds as text/html or text/plain; only clearly binary types are refused.
    return isXml || mediaType.startsWith('text/') || mediaType === 'application/octet-stream'
      ? undefined
      : `not a feed (${mediaType})`;
  }
  return isXml || mediaType.startsWith('text/') || mediaType === 'application/json' ? undefined : `not text (${mediaType})`;
}

/** Reads the body, stopping (and cancelling the download) as soon as it passes `maxBytes`. */
async function readLimited(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Decodes with the charset the header declares, else the one the document declares, else UTF-8. */
function decode(bytes: Uint8Array, contentType: string, mediaType: string): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const charset =
    /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] ??
    (mediaType.includes('xml') || head.startsWith('<?xml') ? /<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1] : undefined) ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `timed out after ${formatSeconds(timeoutMs)}`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused: is the server running?';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host not found: check the address';
  if (cause?.code) return `network error (${cause.code}${cause.message ? `: ${cause.message}` : ''})`;
  return `network error (${error instanceof Error ? error.message : String(error)})`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

/** `5 MB`, `64 KB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
