import type { NewsletterConfig } from '../core/config.js';
import { createKeyPointExtractor } from '../adapters/key-points/create-extractor.js';
import type { ArticleSource } from '../ports/article-source.js';
import { glossRewordingFor, scriptConverterFor } from '../render/chinese-script.js';
import { renderEdition } from '../render/render-edition.js';
import type { SendQueue } from '../ports/send-queue.js';
import type { BuildDependencies, DigestDependencies, FanOutDependencies, PrepareDependencies } from '../use-cases/run-digest.js';
import type { TokenKeys } from '../core/tokens.js';
import type { AppServices } from './app-services.js';
import { sendDependencies } from './delivery.js';
import { templateOptions } from './templates.js';

/**
 * The wiring seam: the one place that turns services (local or AWS, see `app-services.ts`) and a
 * newsletter into the dependencies of each use case and the options of each send path. Handlers
 * and CLI commands call these and add only what is theirs (a log, a fixed answer time, an output
 * folder). One file per path, so a Lambda bundle holds only what its path needs (the sender and
 * the feedback handler never load MJML or the Chinese script tables).
 */

/**
 * What building an edition needs from a place: its clock and template folders, no store. A run
 * adds the stores below; `newsletter preview` adds the edition store only, to read what went out.
 */
export function buildDependencies(
  place: Pick<AppServices, 'clock' | 'templatesDir' | 'templateDirs' | 'keyPointCache' | 'environment'> & { tokenKeys?: Pick<TokenKeys, 'id'> },
  newsletter: NewsletterConfig,
  sources: ArticleSource[],
): BuildDependencies {
  return {
    sources,
    extractor: createKeyPointExtractor(newsletter, { cache: place.keyPointCache, environment: place.environment ?? {}, clock: place.clock }),
    render: (model) => renderEdition(model, templateOptions(place, newsletter)),
    convertText: scriptConverterFor(newsletter.language),
    rewordGlossed: glossRewordingFor(newsletter.language),
    clock: place.clock,
  };
}

/** `newsletter preview`: the digest's own build over the edition store, read only (the next edition, without what went out before). */
export function previewDependencies(
  services: Pick<AppServices, 'editions'> & Parameters<typeof buildDependencies>[0],
  newsletter: NewsletterConfig,
  sources: ArticleSource[],
): BuildDependencies & Pick<PrepareDependencies, 'editions'> {
  return { ...buildDependencies(services, newsletter, sources), editions: services.editions };
}

/** What preparing an edition needs, from the articles of `sources` (each place reads them its own way). */
function prepareDependencies(services: AppServices, newsletter: NewsletterConfig, sources: ArticleSource[]): PrepareDependencies {
  return { ...buildDependencies(services, newsletter, sources), editions: services.editions, subscribers: services.subscribers };
}

/**
 * Building and sending in one process: `newsletter digest` and the scheduler of `newsletter dev`.
 *
 * @example
 * const result = await runDigest(newsletter, digestDependencies(app, newsletter, app.sourcesFor(newsletter), app.owner), localDeliveryOptions(app.config));
 */
export function digestDependencies(services: AppServices, newsletter: NewsletterConfig, sources: ArticleSource[], owner: string): DigestDependencies {
  return { ...prepareDependencies(services, newsletter, sources), ...sendDependencies(services, owner) };
}

/**
 * The scheduled fan-out on AWS: preparing the edition, then queuing its readers on `queue` for the
 * senders. A newsletter with `approval: "manual"` mails its draft to the operators instead, with
 * approve and skip links signed by the signing key.
 */
export function fanOutDependencies(services: AppServices, newsletter: NewsletterConfig, sources: ArticleSource[], queue: SendQueue): FanOutDependencies {
  return {
    ...prepareDependencies(services, newsletter, sources),
    subscribers: services.subscribers,
    ledger: services.ledger,
    queue,
    ...(newsletter.approval === 'manual' ? { review: { mailer: services.mailer, tokenKey: services.tokenKeys.signing } } : {}),
  };
}
