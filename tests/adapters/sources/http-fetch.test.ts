import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchText } from '../../../functions/adapters/sources/http-fetch.js';
import { hugeBody, neverAnswer, redirect, serve, startFixtureServer, type FixtureServer } from './fixture-server.js';

describe('fetchText', () => {
  let server: FixtureServer;
  const seenUserAgents: string[] = [];

  beforeAll(async () => {
    server = await startFixtureServer({
      '/page': (request, response) => {
        seenUserAgents.push(request.headers['user-agent'] ?? '');
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<p>Hello, café</p>');
      },
      '/moved': redirect('/hop'),
      '/hop': redirect('/page', 301),
      '/slow': neverAnswer,
      '/report.pdf': serve('%PDF-1.7', 'application/pdf'),
      '/loop-a': redirect('/loop-b'),
      '/loop-b': redirect('/loop-a'),
      ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/chain/${i}`, redirect(`/chain/${i + 1}`)])),
      '/huge': hugeBody(1024 * 1024),
      '/declared-huge': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html', 'content-length': String(10 * 1024 * 1024) });
        response.write('<p>start</p>');
      },
      '/latin1': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<p>caf\xe9</p>', 'latin1'));
      },
    });
  });

  afterAll(() => server.close());

  it('returns the body, the final URL after redirects and the content type', async () => {
    const result = await fetchText(server.url('/moved'), 'html');
    expect(result).toEqual({
      ok: true,
      body: '<p>Hello, café</p>',
      url: server.url('/page'),
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('identifies itself with the newsletter user agent', async () => {
    await fetchText(server.url('/page'), 'html');
    expect(seenUserAgents.at(-1)).toMatch(/^keypoints-newsletter\/0\.1 \(\+https:\/\//);
  });

  it('decodes the charset the server declares', async () => {
    const result = await fetchText(server.url('/latin1'), 'html');
    expect(result.ok && result.body).toBe('<p>café</p>');
  });

  it('gives up on a server that never answers after the configured time', async () => {
    const result = await fetchText(server.url('/slow'), 'html', { timeoutMs: 150 });
    expect(result).toEqual({ ok: false, reason: 'timed out after 0.15 s' });
  });

  it('reports the HTTP status of a missing page', async () => {
    const result = await fetchText(server.url('/nowhere'), 'html');
    expect(result).toEqual({ ok: false, reason: 'HTTP 404 Not Found' });
  });

  it('refuses a PDF where a web page was expected', async () => {
    const result = await fetchText(server.url('/report.pdf'), 'html');
    expect(result).toEqual({ ok: false, reason: 'not HTML (application/pdf)' });
  });

  it('stops reading a body that grows past the size limit', async () => {
    const result = await fetchText(server.url('/huge'), 'html', { maxBytes: 100 * 1024 });
    expect(result).toEqual({ ok: false, reason: 'larger than 100 KB' });
  });

  it('refuses a body whose declared length is past the default 5 MB limit without reading it', async () => {
    const result = await fetchText(server.url('/declared-huge'), 'html', { timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, reason: 'larger than 5 MB' });
  });

  it('detects a redirect loop', async () => {
    const result = await fetchText(server.url('/loop-a'), 'html');
    expect(result).toEqual({ ok: false, reason: `redirect loop (redirected back to ${server.url('/loop-a')})` });
  });

  it('follows at most five redirects', async () => {
    const result = await fetchText(server.url('/chain/0'), 'html');
    expect(result).toEqual({ ok: false, reason: 'too many redirects (more than 5)' });
  });

  it('explains a refused connection instead of throwing', async () => {
    const closed = await startFixtureServer({});
    const url = closed.url('/page');
    await closed.close();
    const result = await fetchText(url, 'html');
    expect(result).toEqual({ ok: false, reason: 'connection refused: is the server running?' });
  });

  it('refuses addresses that are not http or https', async () => {
    const result = await fetchText('file:///etc/passwd', 'html');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('only http and https');
  });
});
