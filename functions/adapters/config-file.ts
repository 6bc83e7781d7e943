import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { bundledTemplatesDir } from '../../templates/bundled-folder.js';
import { parseConfig, type Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { ownTemplateFolders } from './template-folders.js';

export interface LoadedConfig {
  config: Config;
  baseDir: string;
  /** Each newsletter's digest template folder, by newsletter id. */
  templateDirs: Record<string, string>;
}

/** Reads and validates the configuration file; every problem is named with its field. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `config file ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass --config with the path to newsletter.config.json`,
      { cause: error },
    );
  }
  // Editors on Windows save UTF-8 with a byte-order mark; JSON.parse refuses it.
  const json = parseJsonText(text.replace(/^\uFEFF/u, ''), file);
  const result = parseConfig(json);
  // One line per problem: several on one line read as one.
  if (!result.ok)
    throw new ConfigError(
      `config file ${file} is invalid:${result.errors.length === 1 ? ` ${result.errors[0]}` : result.errors.map((e) => `\n  ${e}`).join('')}`,
    );
  const baseDir = path.dirname(path.resolve(file));
  const templateDirs = resolveTemplates(result.config, baseDir, file);
  return { config: result.config, baseDir, templateDirs };
}

/** JSON.parse, and on a syntax error the line and column of the first problem. */
function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Node 20's JSON.parse names no position; jsonc-parser, in strict JSON mode, does.
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = first.offset - before.lastIndexOf('\n');
    throw new ConfigError(`config file ${file} is not valid JSON at line ${line}, column ${column}: ${describeParseError(printParseErrorCode(first.error))}`, {
      cause: error,
    });
  }
}

function describeParseError(code: string): string {
  // "CommaExpected" → "comma expected"
  return code.replace(/(?<=[a-z])(?=[A-Z])/gu, ' ').toLowerCase();
}

/**
 * Each newsletter's template folder: the bundled one for "digest", otherwise its own
 * `<templatesDir>/<template>/`, which must exist and hold at least one template file; the
 * renderer reads the files it lacks from the bundled folder.
 */
function resolveTemplates(config: Config, baseDir: string, file: string): Record<string, string> {
  const own = ownTemplateFolders(config, baseDir, file);
  return Object.fromEntries(config.newsletters.map((n) => [n.id, own[n.id] ?? bundledTemplatesDir()]));
}
