import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config, NewsletterConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** The template name that means the bundled templates/ folder. */
const BUNDLED_TEMPLATE = 'digest';

/**
 * The files a template folder may hold (see render-page.ts and render-edition.ts). A newsletter's own
 * folder holds any of them; the ones it lacks are the bundled ones.
 */
const TEMPLATE_FILES = [
  'digest.mjml',
  'confirm.mjml',
  'welcome.mjml',
  'partials/head.mjml',
  'partials/header.mjml',
  'partials/footer.mjml',
  'partials/article.mjml',
  'partials/key-point.mjml',
];

/**
 * Where a newsletter's own template folder is: `<templatesDir>/<template>/`, from `baseDir` (the
 * config file's folder locally, the bundle's root on AWS); undefined for the bundled templates.
 */
export function ownTemplateFolder(config: Pick<Config, 'templatesDir'>, newsletter: Pick<NewsletterConfig, 'template'>, baseDir: string): string | undefined {
  return newsletter.template === BUNDLED_TEMPLATE ? undefined : path.resolve(baseDir, config.templatesDir, newsletter.template);
}

/** The template files a folder holds, relative to it. */
export function templateFilesIn(dir: string): string[] {
  return TEMPLATE_FILES.filter((name) => existsSync(path.join(dir, name)));
}

/**
 * Each newsletter's own template folder by newsletter id (none for the bundled templates); each
 * must exist and hold at least one template file, or `file` (the config) is named as invalid.
 */
export function ownTemplateFolders(config: Config, baseDir: string, file: string): Record<string, string> {
  const dirs: Record<string, string> = {};
  const problems: string[] = [];
  for (const [i, newsletter] of config.newsletters.entries()) {
    const dir = ownTemplateFolder(config, newsletter, baseDir);
    if (!dir) continue;
    if (templateFilesIn(dir).length === 0) {
      problems.push(
        `newsletters[${i}].template: "${newsletter.template}" was not found: there is no folder ${dir} with any ` +
          `of ${TEMPLATE_FILES.join(', ')}; copy the bundled templates you want to change there and edit them, or use ` +
          `"${BUNDLED_TEMPLATE}"`,
      );
    } else dirs[newsletter.id] = dir;
  }
  if (problems.length > 0) throw new ConfigError(`config file ${file} is invalid: ${problems.join('; ')}`);
  return dirs;
}
