import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { checkEmail } from '../core/email-address.js';
import { NewsletterError } from '../core/errors.js';
import { addToList, describeLeft, type AddOutcome, type LeftReason, type ListDependencies, type ListEntry } from '../use-cases/manage-list.js';
import { chooseColumns, entryOf, normaliseHeader, type SubscriberColumns } from './subscriber-csv.js';

export interface ImportCounts {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  invalid: number;
  /** Skipped because the person left, by why. */
  left: Record<LeftReason['kind'], number>;
}

export interface ImportOptions {
  confirmed: boolean;
  emailColumn?: string;
  nameColumn?: string;
  /** Rows written per batch. */
  batchSize?: number;
  /** Called after each batch with the counts so far. */
  onProgress?: (counts: ImportCounts) => void;
  /** One line per skipped row (line number and why; never the address). */
  warn: (line: string) => void;
}

/**
 * Reads a subscriber CSV and adds its rows in batches through `addToList`, which never brings back
 * an unsubscribed, erased or suppressed address. Line numbers in messages are the file's own.
 */
export async function importSubscriberCsv(deps: ListDependencies, newsletterId: string, file: string, options: ImportOptions): Promise<ImportCounts> {
  const counts: ImportCounts = { rows: 0, added: 0, updated: 0, unchanged: 0, invalid: 0, left: { unsubscribed: 0, erased: 0, suppressed: 0 } };
  const input = createReadStream(file);
  const parser = parse({ columns: (header: string[]) => header.map(normaliseHeader), bom: true, skip_empty_lines: true, trim: true, info: true });
  // `pipe` does not pass a read error on; without this a missing file is an unhandled 'error' event.
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);

  let columns: SubscriberColumns | undefined;
  let batch: { entry: ListEntry; line: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcomes = await addToList(
      deps,
      newsletterId,
      batch.map((b) => b.entry),
      { confirmed: options.confirmed, source: `imported from ${file}` },
    );
    outcomes.forEach((outcome: AddOutcome, i) => {
      if (outcome.outcome === 'left') {
        counts.left[outcome.reason.kind]++;
        options.warn(`${file} line ${batch[i]!.line}: skipped: ${describeLeft(outcome.reason)}`);
      } else counts[outcome.outcome]++;
    });
    batch = [];
    options.onProgress?.(counts);
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (!columns) {
        const choice = chooseColumns(Object.keys(record), options);
        if (!choice.ok) throw new NewsletterError(`${file} ${choice.reason}`);
        columns = choice.columns;
      }
      counts.rows++;
      const entry = entryOf(record, columns);
      const checked = checkEmail(entry.email);
      if (!checked.ok) {
        counts.invalid++;
        options.warn(`${file} line ${info.lines}: skipped: ${checked.reason}`);
        continue;
      }
      batch.push({ entry: { ...entry, email: checked.email }, line: info.lines });
      if (batch.length >= (options.batchSize ?? 500)) await flush();
    }
    await flush();
  } catch (error) {
    if (error instanceof NewsletterError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new NewsletterError(`${file} could not be read (${code}): check the path of the CSV file`, { cause: error });
    }
    // A store or network fault is not the file's: pass it on as it is.
    if (!String(code ?? '').startsWith('CSV_')) throw error;
    // The rows before the broken one are in; importing the fixed file again leaves them unchanged.
    await flush();
    const line = (error as CsvError).lines;
    throw new NewsletterError(
      `${file}${line ? ` line ${line}` : ''} is not valid CSV ` +
        `(${(error as Error).message}): ${counts.rows - counts.invalid > 0 ? 'the rows before it were imported; ' : ''}fix the file and import it again`,
      { cause: error },
    );
  }
  return counts;
}

/** The summary line of an import. */
export function describeImport(counts: ImportCounts, confirmed: boolean): string {
  const left = counts.left.unsubscribed + counts.left.erased + counts.left.suppressed;
  const why = (Object.entries(counts.left) as [string, number][]).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`);
  return (
    `Imported ${counts.added} new, updated ${counts.updated}, unchanged ${counts.unchanged}, skipped ${counts.invalid} invalid` +
    `, skipped ${left} who left${left ? ` (${why.join(', ')}: an import never brings back someone who left)` : ''} (${confirmed ? 'confirmed' : 'pending'}).`
  );
}
