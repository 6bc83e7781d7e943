import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchText } from '../../../functions/adapters/sources/http-fetch.js';
import { hugeBody, LOOPBACK, neverAnswer, redirect, serve, startFixtureServer, type FixtureServer } from './fixture-server.js';

describe('fetchText', () => {
  let server: FixtureServer;
  const seenUserAgents: string[] = [];
  /** The port of the internal server that /to-internal redirects to. */
  let internalPort = '';

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
      '/to-internal': (_request, response) => {
        response.writeHead(302, { location: `http://localhost:${internalPort}/secret` }).end();
      },
      '/latin1': (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<p>caf\xe9</p>', 'latin1'));
      },
    });
  });

  afterAll(() => server.close());

  describe('internal addresses', () => {
    let internal: FixtureServer;
    let secretsServed = 0;
    let port = '';

    beforeAll(async () => {
      internal = await startFixtureServer({
        '/secret': (_request, response) => {
          secretsServed++;
          response.writeHead(200, { 'content-type': 'text/html' }).end('<p>SECRET admin token</p>');
        },
      });
      port = new URL(internal.origin).port;
      internalPort = port;
    });

    afterAll(() => internal.close());

    // Each test counts only the fetches it causes itself.
    beforeEach(() => {
      secretsServed = 0;
    });

    it.each([
      ['loopback', 'http://127.0.0.1:PORT/secret', '127.0.0.1 is a loopback address'],
      ['a name resolving to loopback', 'http://localhost:PORT/secret', 'localhost resolves to'],
      ['decimal loopback', 'http://2130706433:PORT/secret', '127.0.0.1 is a loopback address'],
      ['octal loopback', 'http://0177.0.0.1:PORT/secret', '127.0.0.1 is a loopback address'],
      ['hex loopback', 'http://0x7f.0x0.0x0.0x1:PORT/secret', '127.0.0.1 is a loopback address'],
      ['short loopback', 'http://127.1:PORT/secret', '127.0.0.1 is a loopback address'],
      ['IPv6 loopback', 'http://[::1]:PORT/secret', '::1 is a loopback address'],
      ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:PORT/secret', 'is a loopback address'],
      ['IPv4-compatible loopback', 'http://[::127.0.0.1]:PORT/secret', 'an IPv4-compatible IPv6 address (deprecated) of 127.0.0.1'],
      ['NAT64 of a private address', 'http://[64:ff9b::10.0.0.1]/', 'a NAT64 address of 10.0.0.1, a private network address'],
      ['NAT64 of loopback', 'http://[64:ff9b::127.0.0.1]:PORT/secret', 'a NAT64 address of 127.0.0.1, a loopback address'],
      ['6to4 of a private address', 'http://[2002:c0a8:1::1]/', 'a 6to4 address of 192.168.0.1, a private network address'],
      ['6to4 of cloud metadata', 'http://[2002:a9fe:a9fe::1]/', 'a 6to4 address of 169.254.169.254, a link-local address'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['10/8', 'http://10.1.2.3/', 'private network'],
      ['172.16/12', 'http://172.31.255.1/', 'private network'],
      ['192.168/16', 'http://192.168.0.10/', 'private network'],
      ['CGNAT', 'http://100.64.0.1/', 'carrier-grade NAT'],
      ['unique-local IPv6', 'http://[fd00::1]/', 'unique-local'],
      ['link-local IPv6', 'http://[fe80::1]/', 'link-local'],
      ['unspecified', 'http://0.0.0.0:PORT/secret', 'unspecified'],
      ['multicast', 'http://224.0.0.1/', 'multicast'],
      ['broadcast', 'http://255.255.255.255/', 'broadcast'],
    ])('refuses %s without connecting, saying how to allow an intranet host', async (_case, url, why) => {
      const result = await fetchText(url.replace('PORT', port), 'html', { timeoutMs: 2000 });
      expect(result.ok).toBe(false);
      const reason = result.ok ? '' : result.reason;
      expect(reason).toContain(why);
      expect(reason).toMatch(
        /^refused to fetch http:\/\/\S+: .*only public addresses are fetched; to read an intranet host, list it in the source's "allowPrivateHosts"$/,
      );
      expect(secretsServed).toBe(0);
    });

    it('refuses a redirect to an internal address at that hop', async () => {
      const result = await fetchText(server.url('/to-internal'), 'html', LOOPBACK);
      expect(result).toEqual({
        ok: false,
        reason:
          `refused to fetch http://localhost:${port}/secret: localhost resolves to 127.0.0.1, a loopback address (this ` +
          `machine), and only public addresses are fetched; to read an intranet host, list it in the source's "allowPrivateHosts"`,
      });
      expect(secretsServed).toBe(0);
    });

    it('reads a private host the source names in allowPrivateHosts, and only that one', async () => {
      const allowed = await fetchText(`http://localhost:${port}/secret`, 'html', { allowPrivateHosts: ['LOCALHOST'] });
      expect(allowed.ok && allowed.body).toBe('<p>SECRET admin token</p>');
      const other = await fetchText(`http://127.0.0.1:${port}/secret`, 'html', { allowPrivateHosts: ['localhost'] });
      expect(other.ok).toBe(false);
      expect(secretsServed).toBe(1);
    });
  });

  it('returns the body, the final URL after redirects and the content type', async () => {
    const result = await fetchText(server.url('/moved'), 'html', LOOPBACK);
    expect(result).toEqual({
      ok: true,
      body: '<p>Hello, café</p>',
      url: server.url('/page'),
      contentType: 'text/html; charset=utf-8',
    });
  });

  it('identifies itself with the newsletter user agent', async () => {
    await fetchText(server.url('/page'), 'html', LOOPBACK);
    expect(seenUserAgents.at(-1)).toMatch(/^keypoints-newsletter\/0\.1 \(\+https:\/\//);
  });

  it('decodes the charset the server declares', async () => {
    const result = await fetchText(server.url('/latin1'), 'html', LOOPBACK);
    expect(result.ok && result.body).toBe('<p>café</p>');
  });

  it('gives up on a server that never answers after the configured time', async () => {
    const result = await fetchText(server.url('/slow'), 'html', { ...LOOPBACK, timeoutMs: 150 });
    expect(result).toEqual({ ok: false, reason: 'timed out after 0.15 s' });
  });

  it('reports the HTTP status of a missing page', async () => {
    const result = await fetchText(server.url('/nowhere'), 'html', LOOPBACK);
    expect(result).toEqual({ ok: false, reason: 'HTTP 404 Not Found' });
  });

  it('refuses a PDF where a web page was expected', async () => {
    const result = await fetchText(server.url('/report.pdf'), 'html', LOOPBACK);
    expect(result).toEqual({ ok: false, reason: 'not HTML (application/pdf)' });
  });

  it('stops reading a body that grows past the size limit', async () => {
    const result = await fetchText(server.url('/huge'), 'html', { ...LOOPBACK, maxBytes: 100 * 1024 });
    expect(result).toEqual({ ok: false, reason: 'larger than 100 KB' });
  });

  it('refuses a body whose declared length is past the default 5 MB limit without reading it', async () => {
    const result = await fetchText(server.url('/declared-huge'), 'html', { ...LOOPBACK, timeoutMs: 5000 });
    expect(result).toEqual({ ok: false, reason: 'larger than 5 MB' });
  });

  it('detects a redirect loop', async () => {
    const result = await fetchText(server.url('/loop-a'), 'html', LOOPBACK);
    expect(result).toEqual({ ok: false, reason: `redirect loop (redirected back to ${server.url('/loop-a')})` });
  });

  it('follows at most five redirects', async () => {
    const result = await fetchText(server.url('/chain/0'), 'html', LOOPBACK);
    expect(result).toEqual({ ok: false, reason: 'too many redirects (more than 5)' });
  });

  it('explains a refused connection instead of throwing', async () => {
    const closed = await startFixtureServer({});
    const url = closed.url('/page');
    await closed.close();
    const result = await fetchText(url, 'html', LOOPBACK);
    expect(result).toEqual({ ok: false, reason: 'connection refused: is the server running?' });
  });

  it('refuses addresses that are not http or https', async () => {
    const result = await fetchText('file:///etc/passwd', 'html');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('only http and https');
  });
});
