/** The operator's copy of a draft: the edition with approve and skip links on top. */

import type { RenderedEdition } from '../core/edition.js';
import { escapeHtml } from '../core/html-escape.js';

export interface ReviewBanner {
  approveUrl: string;
  skipUrl: string;
  /** The page where the editor changes the draft before approving it. */
  editUrl?: string;
  words: { banner: string; approve: string; skip: string; edit?: string };
}

/**
 * Puts the banner first in the body (HTML) and first in the text part. The links carry signed
 * tokens; they are escaped like any attribute value.
 */
export function withReviewBanner(rendered: RenderedEdition, banner: ReviewBanner): RenderedEdition {
  const { words } = banner;
  const edit = banner.editUrl && words.edit ? { url: banner.editUrl, label: words.edit } : undefined;
  const html =
    `<div style="margin:0;padding:16px;background:#fff7d6;color:#1f2937;font:15px/1.5 -apple-system,'Segoe UI',` +
    `Roboto,Helvetica,Arial,sans-serif;text-align:center">
<p style="margin:0 0 12px">${escapeHtml(words.banner)}</p>
<p style="margin:0"><a href="${escapeHtml(banner.approveUrl)}" ` +
    `style="display:inline-block;padding:10px 18px;background:#0b57d0;color:#ffffff;border-radius:6px;` +
    `text-decoration:none;font-weight:700">${escapeHtml(words.approve)}</a>
${
  edit
    ? `&nbsp; <a href="${escapeHtml(edit.url)}" style="display:inline-block;padding:10px 18px;border:2px solid ` +
      `#0b57d0;color:#0b57d0;border-radius:6px;text-decoration:none;font-weight:700">${escapeHtml(edit.label)}</a>\n`
    : ''
}&nbsp; <a href="${escapeHtml(banner.skipUrl)}" style="color:#b91c1c;font-weight:700">${escapeHtml(words.skip)}</a></p>
</div>`;
  const body = /<body[^>]*>/i.exec(rendered.html);
  const bannered = body ? rendered.html.slice(0, body.index + body[0].length) + html + rendered.html.slice(body.index + body[0].length) : html + rendered.html;
  const editLine = edit ? `${edit.label}: ${edit.url}\n` : '';
  const text = `${words.banner}\n${words.approve}: ${banner.approveUrl}\n${editLine}${words.skip}: ${banner.skipUrl}\n\n${rendered.text}`;
  return { ...rendered, html: bannered, text };
}
