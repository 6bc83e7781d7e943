import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EditionModel, RenderedEdition } from '../core/edition.js';

/** Writes `out/<edition>/digest.html`, `digest.txt` and `digest.json` (the model); returns the folder. */
export async function writeEditionFiles(outDir: string, model: EditionModel, rendered: RenderedEdition): Promise<string> {
  const dir = path.join(outDir, model.editionId);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'digest.html'), rendered.html),
    writeFile(path.join(dir, 'digest.txt'), rendered.text),
    writeFile(path.join(dir, 'digest.json'), `${JSON.stringify(model, null, 2)}\n`),
  ]);
  return dir;
}

/** Lines printed to the terminal; plain text so they read the same in a log. */
export function describeEdition(model: EditionModel): string[] {
  const lines = [`Edition ${model.editionId}`, `Subject: ${model.subject}`];
  model.articles.forEach((article, i) => {
    lines.push('', `${i + 1}. ${article.title}`);
    for (const point of article.keyPoints) lines.push(`   - ${point}`);
    if (article.url) lines.push(`   ${article.url}`);
  });
  return lines;
}
