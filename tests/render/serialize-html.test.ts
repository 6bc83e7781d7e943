import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { serializeHtml } from '../../functions/render/serialize-html.js';

function roundTrip(html: string): string {
  return serializeHtml(parseHTML(html).document.documentElement);
}

describe('serializeHtml', () => {
  it('writes escaped text back escaped in title and textarea, where linkedom would unescape it', () => {
    const html = roundTrip(
      '<html><head><title>&lt;/title&gt;&lt;meta http-equiv=refresh&gt;</title></head><body><textarea>&lt;/textarea&gt;&lt;b&gt;</textarea></body></html>',
    );
    expect(html).toContain('<title>&lt;/title&gt;&lt;meta http-equiv=refresh&gt;</title>');
    expect(html).not.toContain('<meta');
    expect(html).not.toContain('<b>');
  });

  it('escapes text and attribute values everywhere else, and keeps comments, the doctype and void elements', () => {
    const { document } = parseHTML(
      '<!doctype html><html><head></head><body><!--[if mso | IE]><table><tr><td><![endif]--><p ' +
        'title="a &quot;b&quot; &lt;c&gt; &amp; d">1 &lt; 2 &amp;&nbsp;3</p><br><img src="x.png" alt=""></body></html>',
    );
    expect(serializeHtml(document)).toBe(
      '<!DOCTYPE html><html><head></head><body><!--[if mso | IE]><table><tr><td><![endif]--><p ' +
        'title="a &quot;b&quot; &lt;c&gt; &amp; d">1 &lt; 2 &amp;&nbsp;3</p><br><img src="x.png" alt=""></body></html>',
    );
  });

  it('keeps style and script text as it is, but never lets it close its element', () => {
    const { document } = parseHTML('<html><head><style>a > b { content: "&lt;" }</style></head><body></body></html>');
    const style = document.querySelector('style')!;
    expect(serializeHtml(style)).toBe('<style>a > b { content: "&lt;" }</style>');
    // The parser cannot produce this text; code that edits the document could.
    style.textContent = 'a{}</style><meta http-equiv=refresh content=0>';
    expect(serializeHtml(style)).toBe('<style>a{}<\\/style><meta http-equiv=refresh content=0></style>');
  });
});
