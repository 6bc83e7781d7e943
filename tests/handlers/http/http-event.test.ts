import { describe, expect, it } from 'vitest';
import { contentKind, decodeRequest, formFields, MAX_BODY_BYTES, parseJson } from '../../../functions/handlers/http/http-event.js';

/** An HTTP API (payload 2.0) event as API Gateway sends it, with the parts a case changes. */
function event(
  parts: { method?: string; rawPath?: string; rawQueryString?: string; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean } = {},
) {
  return {
    version: '2.0',
    rawPath: parts.rawPath ?? '/subscribe',
    rawQueryString: parts.rawQueryString ?? '',
    headers: parts.headers ?? {},
    ...(parts.body !== undefined ? { body: parts.body } : {}),
    isBase64Encoded: parts.isBase64Encoded ?? false,
    requestContext: { http: { method: parts.method ?? 'post', sourceIp: '203.0.113.9' } },
  };
}

describe('decodeRequest', () => {
  it('decodes method, route without trailing slashes, query, lower-case headers and the source address', () => {
    const request = decodeRequest(
      event({
        rawPath: '/confirm//',
        rawQueryString: 'token=abc&newsletter=ai-talent',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.1' },
      }),
      MAX_BODY_BYTES,
    );
    expect(request).toMatchObject({
      method: 'POST',
      route: '/confirm',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.1' },
      body: '',
      sourceIp: '203.0.113.9',
    });
    expect(request!.query.get('token')).toBe('abc');
    expect(request!.query.get('newsletter')).toBe('ai-talent');
    expect(decodeRequest(event({ rawPath: '/' }), MAX_BODY_BYTES)!.route).toBe('/');
  });

  it('takes the client address from CloudFront only beside the origin-verify secret', () => {
    const secret = 's'.repeat(48);
    const viaCloudFront = (headers: Record<string, string>) => decodeRequest(event({ headers }), MAX_BODY_BYTES, secret)!.sourceIp;
    expect(viaCloudFront({ 'x-origin-verify': secret, 'CloudFront-Viewer-Address': '198.51.100.7:46532' })).toBe('198.51.100.7');
    expect(viaCloudFront({ 'x-origin-verify': secret, 'CloudFront-Viewer-Address': '2001:db8::7:46532' })).toBe('2001:db8::7');
    // Straight to the API, the header is the client's own claim: it cannot pick the address its limits count.
    expect(viaCloudFront({ 'CloudFront-Viewer-Address': '198.51.100.7:46532' })).toBe('203.0.113.9');
    expect(viaCloudFront({ 'x-origin-verify': 'guess', 'CloudFront-Viewer-Address': '198.51.100.7:46532' })).toBe('203.0.113.9');
    // Without the option, nothing is read from the header at all.
    expect(decodeRequest(event({ headers: { 'x-origin-verify': secret, 'CloudFront-Viewer-Address': '198.51.100.7:1' } }), MAX_BODY_BYTES)!.sourceIp).toBe(
      '203.0.113.9',
    );
  });

  it('decodes a base64 body (how API Gateway sends forms) to its UTF-8 text', () => {
    const form = 'email=reader%40example.com&name=%E9%99%B3%E5%B0%8F%E6%98%8E';
    const request = decodeRequest(event({ body: Buffer.from(form, 'utf8').toString('base64'), isBase64Encoded: true }), MAX_BODY_BYTES);
    expect(request!.body).toBe(form);
  });

  it('takes a body of exactly 16 KB and refuses one byte more, measured decoded for base64 bodies', () => {
    expect(MAX_BODY_BYTES).toBe(16 * 1024);
    const atLimit = 'a'.repeat(MAX_BODY_BYTES);
    expect(decodeRequest(event({ body: atLimit }), MAX_BODY_BYTES)!.body).toBe(atLimit);
    expect(decodeRequest(event({ body: `${atLimit}a` }), MAX_BODY_BYTES)!.body).toBe('too-large');
    // Base64 text is a third longer than the bytes it carries: the limit is on the bytes.
    expect(decodeRequest(event({ body: Buffer.from(atLimit).toString('base64'), isBase64Encoded: true }), MAX_BODY_BYTES)!.body).toBe(atLimit);
    expect(decodeRequest(event({ body: Buffer.from(`${atLimit}a`).toString('base64'), isBase64Encoded: true }), MAX_BODY_BYTES)!.body).toBe('too-large');
    // Multi-byte characters count as their bytes, not as characters.
    expect(decodeRequest(event({ body: '陳'.repeat(Math.ceil(MAX_BODY_BYTES / 3)) }), MAX_BODY_BYTES)!.body).toBe('too-large');
  });

  it('answers undefined for an event that is not an HTTP API event, or has an oversized path', () => {
    expect(decodeRequest({ Records: [] }, MAX_BODY_BYTES)).toBeUndefined();
    expect(decodeRequest(undefined, MAX_BODY_BYTES)).toBeUndefined();
    expect(decodeRequest(event({ rawPath: `/${'a'.repeat(2048)}` }), MAX_BODY_BYTES)).toBeUndefined();
  });
});

describe('contentKind', () => {
  it('tells JSON from a form by the media type, ignoring parameters and case; no type is a form', () => {
    expect(contentKind({ 'content-type': 'application/json; charset=utf-8' })).toBe('json');
    expect(contentKind({ 'content-type': 'Application/X-WWW-Form-Urlencoded' })).toBe('form');
    expect(contentKind({})).toBe('form');
    expect(contentKind({ 'content-type': 'multipart/form-data; boundary=x' })).toBe('other');
    expect(contentKind({ 'content-type': 'text/plain' })).toBe('other');
  });
});

describe('parseJson and formFields', () => {
  it('reads JSON, and answers undefined for a body that is not JSON', () => {
    expect(parseJson('{"email":"reader@example.com"}')).toEqual({ email: 'reader@example.com' });
    expect(parseJson('email=reader%40example.com')).toBeUndefined();
  });

  it('keeps the first value of a single field and every value of a list field, and leaves absent fields out', () => {
    const fields = formFields('email=first%40example.com&email=second%40example.com&newsletter=a&newsletter=b', ['email', 'name'], ['newsletter', 'topics']);
    expect(fields).toEqual({ email: 'first@example.com', newsletter: ['a', 'b'], topics: [] });
  });
});
