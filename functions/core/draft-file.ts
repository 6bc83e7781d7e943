import type { DraftEdit } from './draft-edit.js';
import type { EditionModel } from './edition.js';

/**
 * The draft as a text file for `newsletter editions edit ID`, written for a person in `$EDITOR`
 * and read back line by line:
 *
 *   // notes (ignored)
 *   Subject: AI Weekly: Chip makers raise prices (+1 more)
 *   Intro: Hello again!
 *
 *   ## [3f2a…] Chip makers raise prices
 *   - The first key point.
 *   - The second key point.
 *
 * Delete a "- " line to remove a key point, move lines to reorder them, rewrite their text, delete
 * an article's whole block to drop it, move blocks to reorder articles.
 */

export type DraftFileResult = { ok: true; edit: DraftEdit } | { ok: false; line: number; problem: string };

const NOTES = [
  '// Edit this draft, save, and close the editor to store it. Lines starting with // are ignored.',
  '// Subject and Intro: one line each (an empty Intro puts the greeting back).',
  '// Key points: one "- " line each; delete a line to remove one, move lines to reorder them, rewrite freely.',
  '// Articles: delete a whole "## [id] Title" block to drop the article, move blocks to reorder them;',
  '// keep the [id]: it says which article a block is. The title after it may be rewritten.',
  '// To change nothing, close the editor without saving.',
];

/** Writes the draft's model as the file an editor edits. */
export function formatDraftFile(model: EditionModel, editionId: string): string {
  const lines = [
    `// Draft ${editionId} of ${model.newsletterTitle}, ${model.date}.`,
    ...NOTES,
    '',
    `Subject: ${model.subject}`,
    `Intro: ${oneLine(model.intro ?? '')}`,
  ];
  for (const article of model.articles) {
    lines.push('', `## [${article.id}] ${oneLine(article.title)}`);
    if (article.url) lines.push(`// ${article.url}`);
    for (const point of article.keyPoints) lines.push(`- ${oneLine(point)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads the file back into an edit; a mistake names its line and says what to write instead.
 * Whether the ids and texts make a good edition is `applyDraftEdit`'s to say.
 */
export function parseDraftFile(text: string): DraftFileResult {
  const lines = text.replace(/^\uFEFF/u, '').split(/\r?\n/u);
  let subject: string | undefined;
  let intro: string | undefined;
  const articles: { id: string; title: string; keyPoints: string[]; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    const heading = /^##\s*\[([^\]\s]+)\]\s*(.*)$/u.exec(trimmed);
    if (heading) {
      articles.push({ id: heading[1]!, title: heading[2]!.trim(), keyPoints: [], line: n });
      continue;
    }
    if (trimmed.startsWith('#'))
      return { ok: false, line: n, problem: `"${short(trimmed)}" is not an article heading: write "## [id] Title" with the id the draft gave it` };
    const field = /^(subject|intro)\s*:\s?(.*)$/iu.exec(trimmed);
    if (field && articles.length === 0) {
      const name = field[1]!.toLowerCase();
      if (name === 'subject') {
        if (subject !== undefined) return { ok: false, line: n, problem: 'a second "Subject:" line: keep one' };
        subject = field[2]!.trim();
        if (!subject) return { ok: false, line: n, problem: 'the subject is empty: write one after "Subject:"' };
      } else {
        if (intro !== undefined) return { ok: false, line: n, problem: 'a second "Intro:" line: keep one (write the opening words on one line)' };
        intro = field[2]!.trim();
      }
      continue;
    }
    if (/^[-*]\s/u.test(trimmed) || trimmed === '-') {
      const current = articles.at(-1);
      if (!current) return { ok: false, line: n, problem: 'a key point before any article: put it under its "## [id] Title" heading' };
      current.keyPoints.push(trimmed.slice(1).trim());
      continue;
    }
    // An indented line goes on with the key point above it (an editor that wraps long lines).
    if (/^\s+\S/u.test(line) && articles.at(-1)?.keyPoints.length) {
      const points = articles.at(-1)!.keyPoints;
      points[points.length - 1] = `${points.at(-1)} ${trimmed}`;
      continue;
    }
    if (articles.length === 0)
      return { ok: false, line: n, problem: `"${short(trimmed)}" is not a field: write "Subject: …" or "Intro: …", or start an article with "## [id] Title"` };
    return { ok: false, line: n, problem: `"${short(trimmed)}" is not a key point: start it with "- ", or make it a note with "//"` };
  }
  if (articles.length === 0)
    return {
      ok: false,
      line: lines.length,
      problem: 'no article is left: keep at least one "## [id] Title" block, or skip the edition ("newsletter editions skip")',
    };
  for (const a of articles) {
    if (a.keyPoints.every((p) => p === ''))
      return { ok: false, line: a.line, problem: `article [${a.id}] has no key point: keep at least one "- " line, or delete the whole block to drop it` };
  }
  return {
    ok: true,
    edit: {
      ...(subject !== undefined ? { subject } : {}),
      ...(intro !== undefined ? { intro } : {}),
      articles: articles.map((a) => ({ id: a.id, ...(a.title ? { title: a.title } : {}), keyPoints: a.keyPoints })),
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/gu, ' ');
}

function short(text: string): string {
  const chars = [...text];
  return chars.length > 40 ? `${chars.slice(0, 39).join('')}…` : text;
}
