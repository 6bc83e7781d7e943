import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the package's own files are at run time. The MJML templates and package.json are read from
 * the package root, never copied: this module runs as TypeScript source (`templates/`, under tsx and
 * vitest) and compiled (`dist/templates/`, the `newsletter` command), one folder deeper, so it walks
 * up to the folder holding package.json. An edited template then needs no build. A Lambda bundle
 * passes its own templates folder and never calls these.
 */
export function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(here);
  }
}

/** The templates that ship with the package: `digest.mjml`, `confirm.mjml`, `welcome.mjml`, `partials/`. */
export function bundledTemplatesDir(): string {
  return path.join(packageRoot(), 'templates');
}
