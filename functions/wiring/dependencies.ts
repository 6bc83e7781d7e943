import type { Config, NewsletterConfig } from '../core/config.js';
import { createKeyPointExtractor } from '../adapters/keypoints/create-extractor.js';
import { scriptConverterFor } from '../render/chinese-script.js';
import { renderEdition } from '../render/render-edition.js';
import type { ListDependencies } from '../use-cases/manage-list.js';
import type { DigestDependencies, DigestOptions, PrepareDependencies } from '../use-cases/run-digest.js';
import type { SendDependencies } from '../use-cases/send-edition.js';
import type { SubscriptionDependencies } from '../use-cases/subscriptions.js';
import { subscriberId } from '../core/subscriber.js';
import type { ArticleSource } from '../ports/article-source.js';
import type { AppServices } from './app-services.js';

/**
 * The one place that turns services (local or AWS) and a newsletter into the dependencies of each
 * use case and the options of each send path. Handlers and CLI commands call these and add only
 * what is theirs (a log, a fixed answer time, an output folder).
 *
 * @example
 * const result = await runDigest(newsletter, digestDependencies(app, newsletter, app.owner), localDeliveryOptions(app.config));
 */

/** The template folder of a newsletter: its own (`template` in the config), else the bundled one. */
export function templateOptions(services: Pick<AppServices, 'templatesDir' | 'templateDirs'>, newsletter: Pick<NewsletterConfig, 'id'>): { templatesDir?: string } {
  const dir = services.templateDirs?.[newsletter.id] ?? services.templatesDir;
  return dir ? { templatesDir: dir } : {};
}

/** What building an edition needs; `sources` replaces the newsletter's own (`digest --articles DIR`). */
export function prepareDependencies(services: AppServices, newsletter: NewsletterConfig, sources?: ArticleSource[]): PrepareDependencies {
  return {
    sources: sources ?? services.sourcesFor(newsletter),
    extractor: createKeyPointExtractor(newsletter),
    editions: services.editions,
    render: (model) => renderEdition(model, templateOptions(services, newsletter)),
    convertText: scriptConverterFor(newsletter.language),
    clock: services.clock,
  };
}

/** What sending needs; `owner` names this run or invocation on every delivery claim. */
export function sendDependencies(services: AppServices, owner: string): SendDependencies {
  return {
    owner,
    editions: services.editions,
    subscribers: services.subscribers,
    suppressions: services.suppressions,
    ledger: services.ledger,
    mailer: services.mailer,
    tokenKey: services.tokenKey,
    clock: services.clock,
  };
}

/** Building and sending in one process: `newsletter digest` and the scheduler of `newsletter dev`. */
export function digestDependencies(services: AppServices, newsletter: NewsletterConfig, owner: string, sources?: ArticleSource[]): DigestDependencies {
  return { ...prepareDependencies(services, newsletter, sources), ...sendDependencies(services, owner) };
}

type DeliveryOptions = Pick<DigestOptions, 'rate' | 'concurrency' | 'limits'>;

/** The in-process send (`digest`, the `dev` scheduler): the configured rate, or `--rate`, else the account's maximum. */
export function localDeliveryOptions(config: Pick<Config, 'delivery'>, rate?: number): DeliveryOptions {
  const chosen = rate ?? config.delivery.rate;
  return { ...(chosen ? { rate: chosen } : {}), ...sharedDeliveryOptions(config) };
}

/**
 * The queued send on AWS: the configured rate is not used there. Each sender takes its share
 * (`senders`, SES_SENDERS) of the account's rate read at run time, so a quota raise takes effect
 * without a redeploy; SES_SEND_RATE fixes the rate instead.
 */
export function queuedDeliveryOptions(
  config: Pick<Config, 'delivery'>,
  environment: { sendRate?: number | undefined; senders?: number | undefined },
): DeliveryOptions & { senders?: number } {
  return {
    ...sharedDeliveryOptions(config),
    ...(environment.sendRate ? { rate: environment.sendRate } : {}),
    ...(environment.senders ? { senders: environment.senders } : {}),
  };
}

function sharedDeliveryOptions({ delivery }: Pick<Config, 'delivery'>): Omit<DeliveryOptions, 'rate'> {
  return {
    ...(delivery.concurrency ? { concurrency: delivery.concurrency } : {}),
    limits: { bounceRate: delivery.bounceRateLimit, complaintRate: delivery.complaintRateLimit },
  };
}

/** The subscription use cases (and the API over them) for these newsletters. */
export function subscriptionDependencies(services: AppServices, newsletters: readonly NewsletterConfig[] = services.config.newsletters): SubscriptionDependencies {
  return {
    newsletters,
    subscribers: services.subscribers,
    suppressions: services.suppressions,
    editions: services.editions,
    ledger: services.ledger,
    mailer: services.mailer,
    tokenKey: services.tokenKey,
    clock: services.clock,
    limits: services.signUpLimits,
    signUpLimits: services.config.signUps,
    ...(services.templatesDir ? { templatesDir: services.templatesDir } : {}),
  };
}

/** The operator's list commands (add, import). */
export function listDependencies(services: AppServices): ListDependencies {
  return {
    subscribers: services.subscribers,
    suppressions: services.suppressions,
    subscriberId: (email) => subscriberId(services.tokenKey, email),
    clock: services.clock,
  };
}

/**
 * Local links must reach the local server, whatever public baseUrl the config names: every
 * newsletter's links point at `baseUrl` (the dev server's real address and port).
 */
export function withBaseUrl(config: Config, baseUrl: string): Config {
  return { ...config, newsletters: config.newsletters.map((n) => ({ ...n, baseUrl })) };
}
