import type { NewsletterConfig } from '../core/config.js';
import type { AppServices } from './app-services.js';

/** The template folder of a newsletter: its own (`template` in the config), else the bundled one. */
export function templateOptions(services: Pick<AppServices, 'templatesDir' | 'templateDirs'>, newsletter: Pick<NewsletterConfig, 'id'>): { templatesDir?: string } {
  const dir = services.templateDirs?.[newsletter.id] ?? services.templatesDir;
  return dir ? { templatesDir: dir } : {};
}
