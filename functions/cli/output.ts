import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DeliveryReport } from '../core/delivery/report.js';
import type { NewsletterConfig } from '../core/config.js';
import type { EditionModel, RenderedEdition } from '../core/edition.js';
import { publicCopy } from '../use-cases/archive.js';

/**
 * Writes `out/<edition>/digest.html` and `digest.txt`, the public copy (as on the archive page: the
 * sign-up link where each reader's own links go), and `digest.json` (the model); returns the folder.
 */
export async function writeEditionFiles(outDir: string, newsletter: NewsletterConfig, model: EditionModel, rendered: RenderedEdition): Promise<string> {
  const dir = path.join(outDir, model.editionId);
  const copy = publicCopy(newsletter, model.editionId, rendered);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'digest.html'), copy.html),
    writeFile(path.join(dir, 'digest.txt'), copy.text),
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

/** What a run with nobody to send to says. */
export function noSubscribersLine(newsletterId: string): string {
  return (
    `No confirmed subscriber on ${newsletterId}: no edition built, nothing sent, and the articles stay new for the ` +
    `next run. Add one with "npx newsletter subscribers add EMAIL" or share the sign-up page ("npx newsletter dev").`
  );
}

/**
 * Every delivery of the edition so far, whichever run made it: the ledger answers "already sent"
 * for what an earlier (perhaps killed) run delivered, so a resumed run's report covers the edition.
 */
export function editionDelivered(report: DeliveryReport): number {
  return report.sent + report.alreadySent;
}

export function summary(report: DeliveryReport): string {
  const seconds = (report.durationMs / 1000).toFixed(1);
  return (
    (report.alreadySent > 0 ? `Edition total: ${editionDelivered(report)} delivered (${report.sent} by this run, ${report.alreadySent} before)\n` : '') +
    `Sent ${report.sent} message${report.sent === 1 ? '' : 's'}` +
    ` (${report.alreadySent} already sent, ${report.suppressed} suppressed, ${report.failed} failed, ${report.throttledRetries} throttled retries)` +
    ` in ${seconds} s, ${report.rate.toFixed(1)}/s` +
    (report.failures.length ? `\nFailures:\n${report.failures.map((f) => `  subscriber ${f.subscriberId}: ${f.reason}`).join('\n')}` : '')
  );
}
