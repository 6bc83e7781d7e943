import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '../core/config.js';
import { bundledTemplatesDir } from '../../templates/bundled-folder.js';
import { TEMPLATE_WORDS, type TemplateWords } from '../../templates/i18n.js';
import { RenderError } from './errors.js';

/** Where templates live, reading them once per process, and the words for a language. */

/** How to find and compile templates; the defaults suit production. */
export interface RenderOptions {
  /**
   * Folder holding `digest.mjml`, `confirm.mjml`, `welcome.mjml` and `partials/`: the bundled one,
   * or a newsletter's own, where any file it lacks is read from `bundledTemplatesDir` instead.
   */
  templatesDir?: string;
  /** The bundled templates, where a newsletter's own folder falls back to (default: beside the code). */
  bundledTemplatesDir?: string;
  /**
   * A newsletter that counts opens and clicks (`countOpensAndClicks`): the digest gets the open
   * pixel, its article links go through the signed click route at `baseUrl`, and the footer says so.
   */
  counting?: { tokenKey: Buffer; baseUrl: string };
  /**
   * MJML validation. Both levels turn MJML problems into a thrown `RenderError`; `strict` stops
   * MJML at the first validation pass, `soft` lets it finish compiling first.
   */
  validationLevel?: 'strict' | 'soft';
}

const templateCache = new Map<string, Promise<string>>();

/**
 * Reads a template file once per process; later renders use the cached text.
 * A failed read is not cached, so a fixed file is picked up on the next render.
 */
function loadTemplate(templatesDir: string, name: string): Promise<string> {
  const file = path.resolve(templatesDir, name);
  let cached = templateCache.get(file);
  if (!cached) {
    cached = readFile(file, 'utf8').catch((error: unknown) => {
      templateCache.delete(file);
      throw new RenderError(`Template ${name} could not be read from ${file}; check options.templatesDir`, {
        cause: error,
        template: name,
      });
    });
    templateCache.set(file, cached);
  }
  return cached;
}

/** A template's text and how errors name it: the bundled name (`confirm.mjml`), or the path of one's own file. */
export interface TemplateFile {
  text: string;
  name: string;
}

const resolved = new Map<string, Promise<TemplateFile>>();

/**
 * Reads a template from the newsletter's own folder, or from the bundled one when that folder does
 * not hold it: a publisher changes only the files they want (say `confirm.mjml`) and keeps the
 * rest. Errors about one's own file name its path, so the author knows which file to fix.
 */
export function loadTemplateFile(options: RenderOptions, name: string): Promise<TemplateFile> {
  const dir = path.resolve(templatesDirOf(options));
  const bundled = path.resolve(options.bundledTemplatesDir ?? bundledTemplatesDir());
  if (dir === bundled) return loadTemplate(dir, name).then((text) => ({ text, name }));
  const key = `${dir}\0${bundled}\0${name}`;
  let found = resolved.get(key);
  if (!found) {
    const own = path.join(dir, name);
    found = loadTemplate(dir, name).then(
      (text) => ({ text, name: own }),
      (error: unknown) => {
        const code = ((error as RenderError).cause as NodeJS.ErrnoException | undefined)?.code;
        if (code !== 'ENOENT') throw error;
        // A folder that is not there at all is a mistake in the options, not a file left out.
        return stat(dir).then(
          () => loadTemplate(bundled, name).then((text) => ({ text, name })),
          () => Promise.reject(error),
        );
      },
    );
    found.catch(() => resolved.delete(key));
    resolved.set(key, found);
  }
  return found;
}

function templatesDirOf(options: RenderOptions): string {
  return options.templatesDir ?? bundledTemplatesDir();
}

export function wordsForModel(language: Language, context: string): TemplateWords {
  // The type says Language, but models can come from storage written by another version.
  const words = (TEMPLATE_WORDS as Partial<Record<string, TemplateWords>>)[language];
  if (!words) {
    throw new RenderError(`No template words for language "${String(language)}" (${context}); use one of ${Object.keys(TEMPLATE_WORDS).join(', ')}`);
  }
  return words;
}
