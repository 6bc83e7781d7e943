import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '../core/config.js';
import { bundledTemplatesDir } from '../../templates/bundled-folder.js';
import { TEMPLATE_WORDS, type TemplateWords } from '../../templates/i18n.js';
import { RenderError } from './errors.js';

/** Where templates live, reading them once per process, and the words for a language. */

/** How to find and compile templates; the defaults suit production. */
export interface RenderOptions {
  /** Folder holding `digest.mjml`, `confirm.mjml`, `welcome.mjml` and `partials/`. */
  templatesDir?: string;
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
export function loadTemplate(templatesDir: string, name: string): Promise<string> {
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

export function templatesDirOf(options: RenderOptions): string {
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

