import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig, type Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** Reads and validates the configuration file; every problem is named with its field. */
export async function loadConfig(file: string): Promise<{ config: Config; baseDir: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`config file ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass --config with the path to newsletter.config.json`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = parseConfig(json);
  if (!result.ok) throw new ConfigError(`config file ${file} is invalid: ${result.errors.join('; ')}`);
  return { config: result.config, baseDir: path.dirname(path.resolve(file)) };
}
