import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The parts of an API Gateway HTTP API (payload 2.0) event the subscription API reads. */
export interface HttpApiEvent {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext: { http: { method: string; path?: string; sourceIp?: string }; requestId?: string; timeEpoch?: number; stage?: string; routeKey?: string };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** Request bodies over this many bytes are refused with 413 (the local server reads no more than one byte past it). */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The review page's edit form carries a whole edition's key points, percent-encoded (a Chinese
 * character is nine bytes there): it alone, behind its signed token, may send this much.
 */
const EDIT_MAX_BODY_BYTES = 256 * 1024;

/** The body limit of a route: the edit form's, or the API's. */
export function maxBodyBytesFor(route: string, maxBodyBytes: number): number {
  return route === '/edit' ? Math.max(maxBodyBytes, EDIT_MAX_BODY_BYTES) : maxBodyBytes;
}

/** One request, decoded at the boundary: what the routes read. */
export interface HttpRequest {
  method: string;
  /** The path without trailing slashes; `/` for the root. */
  route: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The body as text, or 'too-large' past the limit. */
  body: string | 'too-large';
  sourceIp: string | undefined;
}

const eventSchema = z.object({
  rawPath: z.string().max(2048),
  rawQueryString: z.string().max(4096).optional(),
  headers: z.record(z.string(), z.string().optional()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
  requestContext: z.object({ http: z.object({ method: z.string().max(16), sourceIp: z.string().optional() }) }),
});

/**
 * The request in an event, or undefined when the event is not an HTTP API (payload 2.0) event.
 * With `originVerify` (the stack's per-client limits put CloudFront in front of the API), a request
 * that carries CloudFront's secret header is from CloudFront, and its client is the address in
 * CloudFront-Viewer-Address; without the secret, that header is the client's own claim and ignored.
 */
export function decodeRequest(raw: unknown, maxBodyBytes: number, originVerify?: string): HttpRequest | undefined {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const route = event.rawPath.replace(/\/+$/, '') || '/';
  const headers = lowerCaseKeys(event.headers ?? {});
  return {
    method: event.requestContext.http.method.toUpperCase(),
    route,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body: decodeBody(event.body, event.isBase64Encoded ?? false, maxBodyBytesFor(route, maxBodyBytes)),
    sourceIp: (originVerify && viewerAddress(headers, originVerify)) || event.requestContext.http.sourceIp,
  };
}

/** The header CloudFront adds, with the stack's origin-verify secret (infra/constructs/per-client-limits.ts). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The client's address from CloudFront-Viewer-Address (`198.51.100.7:443`, `2001:db8::1:443`: the
 * address, a colon, the port), when the request also carries the origin-verify secret.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-cloudfront-headers.html
 */
function viewerAddress(headers: Record<string, string>, originVerify: string): string | undefined {
  const given = Buffer.from(headers[ORIGIN_VERIFY_HEADER] ?? '');
  const expected = Buffer.from(originVerify);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const viewer = headers['cloudfront-viewer-address'];
  const colon = viewer?.lastIndexOf(':') ?? -1;
  return colon > 0 ? viewer!.slice(0, colon) : undefined;
}

/** Base64 bodies (API Gateway sends forms that way) are measured decoded. */
function decodeBody(body: string | undefined, isBase64Encoded: boolean, max: number): string | 'too-large' {
  if (!body) return '';
  const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
  if (bytes > max) return 'too-large';
  return isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

export function contentKind(headers: Record<string, string>): 'json' | 'form' | 'other' {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded' || type === '') return 'form';
  return 'other';
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Single-valued fields keep the first value; list fields keep all. */
export function formFields(body: string, single: string[], lists: string[] = []): Record<string, string | string[]> {
  const params = new URLSearchParams(body);
  const out: Record<string, string | string[]> = {};
  for (const name of single) {
    const value = params.get(name);
    if (value !== null) out[name] = value;
  }
  for (const name of lists) out[name] = params.getAll(name);
  return out;
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}
