import type { NewsletterConfig } from '../core/config.js';
import type { EditionModel, RenderedEdition } from '../core/edition.js';
import { renderEdition } from '../render/render-edition.js';
import type { EditDraftDependencies } from '../use-cases/edit-draft.js';
import type { TokenKeys } from '../core/tokens.js';
import type { AppServices } from './app-services.js';
import { templateOptions } from './templates.js';

/**
 * The editor's desk: rendering an edited draft with the newsletter's own templates. Apart from
 * `edition.ts` so the subscription function, which serves the review page, carries no key-point
 * extractor or Chinese script tables (a draft's text was converted when it was built).
 */
export function draftRenderer(
  services: Pick<AppServices, 'templatesDir' | 'templateDirs'> & { tokenKeys?: Pick<TokenKeys, 'id'> },
): (newsletter: NewsletterConfig, model: EditionModel) => Promise<RenderedEdition> {
  return (newsletter, model) => renderEdition(model, templateOptions(services, newsletter));
}

/** What `editDraft` needs, for `newsletter editions edit` and the review page. */
export function editDraftDependencies(
  services: Pick<AppServices, 'editions' | 'clock' | 'templatesDir' | 'templateDirs'> & { tokenKey?: Buffer },
  newsletter: NewsletterConfig,
): EditDraftDependencies {
  const render = draftRenderer(services);
  return { editions: services.editions, clock: services.clock, render: (model) => render(newsletter, model) };
}
