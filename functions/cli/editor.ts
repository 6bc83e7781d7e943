import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NewsletterError } from '../core/errors.js';

/**
 * Opens the person's editor ($VISUAL, else $EDITOR, else vi) on `text` in a temporary file and
 * returns what they saved. The editor gets the terminal; the file is removed afterwards.
 */
export async function openInEditor(text: string, name: string): Promise<string> {
  const file = await writePrivateDraft(text, name);
  const editor = process.env.VISUAL || process.env.EDITOR || 'vi';
  try {
    // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(`${editor} "$NEWSLETTER_EDIT_FILE"`, { shell: true, stdio: 'inherit', env: { ...process.env, NEWSLETTER_EDIT_FILE: file } });
      child.on('error', reject);
      child.on('exit', resolve);
    }).catch((error: unknown) => {
      throw new NewsletterError(`could not start the editor "${editor}": ${(error as Error).message}; set EDITOR, or use --print and --file`, { cause: error });
    });
    if (code !== 0) throw new NewsletterError(`the editor "${editor}" exited with code ${code}; nothing was stored`);
    return await readFile(file, 'utf8');
  } finally {
    await rm(path.dirname(file), { recursive: true, force: true });
  }
}

/**
 * Writes `text` to `<name>.md` in a new folder private to the user (mkdtemp), as a new file only: two
 * drafts never share a file, and nothing planted in the shared temporary folder is written through.
 */
export async function writePrivateDraft(text: string, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'newsletter-edit-'));
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_-]/gu, '_')}.md`);
  try {
    await writeFile(file, text, { mode: 0o600, flag: 'wx' });
    return file;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
