import { Agent, fetch as undiciFetch } from 'undici';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../system-clock.js';
import { literalAddress, NonPublicAddressError, normaliseHost, publicOnlyLookup, whyNotPublic } from './public-address.js';

/**
 * Fetches one feed or web page politely and defensively: a clear User-Agent, a time limit,
 * a size limit, a bounded number of redirects, a content-type check, and public addresses only
 * (on every redirect hop, after DNS resolution). Every failure comes back as a reason a publisher
 * can act on, never as a thrown error.
 */

export interface HttpFetchOptions {
  /** Whole request, redirects and body included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Bodies past this many bytes are abandoned. Default 5 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  userAgent?: string;
  /**
   * Hosts that may be on a private network, loopback included (an intranet source): names or IP
   * addresses as written in a URL. Every other host must resolve to public addresses only.
   */
  allowPrivateHosts?: readonly string[];
  /** Aborts the fetch, such as when the source's time budget is used up; the reason's message is reported. */
  signal?: AbortSignal;
}

/** What the caller can read: a web page, a feed, or any text. */
export type ExpectedContent = 'html' | 'feed' | 'text';

export type HttpFetchResult = { ok: true; body: string /** After redirects. */; url: string; contentType: string } | { ok: false; reason: string };

const DEFAULT_USER_AGENT = 'keypoints-newsletter/0.1 (+https://github.com/keypoints-newsletter)';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;

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
  const allowed = new Set((options.allowPrivateHosts ?? []).map(normaliseHost));
  const dispatcher = agentFor(allowed);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let current: URL | string = url;

  try {
    current = parseHttpUrl(url);
    if (typeof current === 'string') return { ok: false, reason: current };
    const visited = new Set<string>([current.href]);

    for (let redirects = 0; ; redirects++) {
      // A literal IP address is connected to without a lookup, so it is checked here.
      const literal = literalAddress(current.hostname);
      const why = literal && !allowed.has(current.hostname) ? whyNotPublic(literal) : undefined;
      if (literal && why) return { ok: false, reason: refusal(current.href, new NonPublicAddressError(literal, literal, why)) };
      const response = await undiciFetch(current, {
        redirect: 'manual',
        signal,
        dispatcher,
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
    if (options.signal?.aborted) return { ok: false, reason: abortReason(options.signal) };
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof NonPublicAddressError) return { ok: false, reason: refusal(typeof current === 'string' ? current : current.href, cause) };
    return { ok: false, reason: describeFailure(error, timeoutMs) };
  }
}

function refusal(url: string, error: NonPublicAddressError): string {
  return (
    `refused to fetch ${url}: ${error.message}, and only public addresses are fetched; to read an intranet host, ` +
    `list it in the source's "allowPrivateHosts"`
  );
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/** One connection pool per set of allowed private hosts, each checking addresses as it connects. */
const agents = new Map<string, Agent>();

function agentFor(allowed: ReadonlySet<string>): Agent {
  const key = [...allowed].sort().join(' ');
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { lookup: publicOnlyLookup(allowed) } });
    agents.set(key, agent);
  }
  return agent;
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
    return isXml || mediaType.startsWith('text/') || mediaType === 'application/octet-stream' ? undefined : `not a feed (${mediaType})`;
  }
  return isXml || mediaType.startsWith('text/') || mediaType === 'application/json' ? undefined : `not text (${mediaType})`;
}

/** Reads the body, stopping (and cancelling the download) as soon as it passes `maxBytes`. */
async function readLimited(response: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number): Promise<Uint8Array | undefined> {
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

/** How long a feed or page source may take in all, linked pages included. */
export const DEFAULT_SOURCE_TIME_BUDGET_MS = 30_000;

/** The time budget of one source; see `sourceBudget`. */
export interface SourceBudget {
  /** Aborts every fetch still running, and refuses the ones not yet started, once the time is up. */
  readonly signal: AbortSignal;
  /**
   * The reason the time is up, or `undefined` while some is left. It reads the clock instead of
   * waiting for the timer, which cannot fire while a page is being read (parsing is synchronous), so
   * it is asked between the steps of reading; once the time is up it aborts `signal` too.
   */
  outOfTime(): string | undefined;
  /** Milliseconds left, by `clock`: how long a page may still be read (in a worker stopped after it). */
  timeLeftMs(): number;
  /** Call when the source is done, so the timer does not outlive it. */
  release(): void;
}

/**
 * The time budget of one source: `budgetMs` on `clock` from now, or until `external` aborts,
 * whichever is first.
 *
 * @example
 * const budget = sourceBudget(30_000);
 * try { await fetchText(url, 'feed', { signal: budget.signal }); } finally { budget.release(); }
 */
export function sourceBudget(budgetMs: number, external?: AbortSignal, clock: Pick<Clock, 'now'> = systemClock): SourceBudget {
  const controller = new AbortController();
  const reason = new Error(`not read: the source's time budget of ${formatSeconds(budgetMs)} was used up (raise its "timeBudgetSeconds" to wait longer)`);
  const abort = (): void => controller.abort(reason);
  const startedAt = clock.now().getTime();
  const timer = setTimeout(abort, budgetMs);
  external?.addEventListener('abort', abort, { once: true });
  if (external?.aborted) abort();
  return {
    signal: controller.signal,
    outOfTime: () => {
      if (!controller.signal.aborted && clock.now().getTime() - startedAt >= budgetMs) abort();
      return controller.signal.aborted ? reason.message : undefined;
    },
    timeLeftMs: () => (controller.signal.aborted ? 0 : Math.max(0, budgetMs - (clock.now().getTime() - startedAt))),
    release: () => {
      clearTimeout(timer);
      external?.removeEventListener('abort', abort);
    },
  };
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
