import type { NewsletterConfig } from '../core/config.js';
import type { RenderOptions } from '../render/template-files.js';
import type { TokenKeys } from '../core/tokens.js';
import type { AppServices } from './app-services.js';

/**
 * How a newsletter's edition renders: its template folder (its own, `template` in the config, else
 * the bundled one) and, for a newsletter that counts opens and clicks, the key that signs its
 * pixel and links (the id key, which never rotates, so links in editions already mailed keep
 * working); absent where the place has no key, as in `newsletter preview`.
 */
export function templateOptions(
  services: Pick<AppServices, 'templatesDir' | 'templateDirs'> & { tokenKeys?: Pick<TokenKeys, 'id'> },
  newsletter: Pick<NewsletterConfig, 'id' | 'countOpensAndClicks' | 'baseUrl'>,
): RenderOptions {
  const dir = services.templateDirs?.[newsletter.id] ?? services.templatesDir;
  return {
    ...(dir ? { templatesDir: dir } : {}),
    ...(services.templatesDir ? { bundledTemplatesDir: services.templatesDir } : {}),
    ...(newsletter.countOpensAndClicks && services.tokenKeys ? { counting: { tokenKey: services.tokenKeys.id, baseUrl: newsletter.baseUrl } } : {}),
  };
}
