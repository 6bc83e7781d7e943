import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: entries, the lock file and `templates/` are found from here, whatever the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export type HandlerName = 'digest' | 'send-batch' | 'subscription-api' | 'ses-feedback';

export interface HandlerEntry {
  name: HandlerName;
  /** Relative to the repository root; the module exports `handler`. */
  entry: string;
  /** Renders MJML, so the bundle carries mjml, the `templates/` folder and newsletters' own template folders. */
  renders: boolean;
  /**
   * Worker thread files it starts (relative to the repository root), each bundled as a second entry
   * to `<name>.mjs` beside the handler's `index.mjs`, where the code that starts it looks for it.
   */
  workers: string[];
}

/** Reads each web page in a worker thread with a hard deadline (functions/adapters/sources/html-article-thread.ts). */
const PAGE_READER_WORKER = 'functions/adapters/sources/html-article-worker.ts';

/** Every Lambda entry point of the product, in one place for the stack, the bundle budgets and the bench. */
export const HANDLER_ENTRIES: Record<HandlerName, HandlerEntry> = {
  digest: { name: 'digest', entry: 'functions/handlers/digest.ts', renders: true, workers: [PAGE_READER_WORKER] },
  'send-batch': { name: 'send-batch', entry: 'functions/handlers/send-batch.ts', renders: false, workers: [] },
  'subscription-api': { name: 'subscription-api', entry: 'functions/handlers/subscription-api.ts', renders: true, workers: [] },
  'ses-feedback': { name: 'ses-feedback', entry: 'functions/handlers/ses-feedback.ts', renders: false, workers: [] },
};

export function entryPath(handler: HandlerEntry): string {
  return path.join(REPO_ROOT, handler.entry);
}

/** The file a worker entry is bundled to, beside `index.mjs`: `html-article-worker.mjs`. */
export function workerBundleName(worker: string): string {
  return `${path.basename(worker, path.extname(worker))}.mjs`;
}

export function entryExists(handler: HandlerEntry): boolean {
  return existsSync(entryPath(handler));
}

/** Fails early, naming every missing handler, rather than deep inside NodejsFunction. */
export function assertEntriesExist(handlers: HandlerEntry[] = Object.values(HANDLER_ENTRIES)): void {
  const missing = handlers.filter((h) => !entryExists(h)).map((h) => h.entry);
  if (missing.length > 0) {
    throw new Error(`Lambda handler file(s) not found: ${missing.join(', ')}; each must export "handler" (see infra/handler-entries.ts)`);
  }
}
