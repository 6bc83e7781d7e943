import type { Config, NewsletterConfig } from '../core/config.js';
import { subscriberId } from '../core/subscriber.js';
import type { ListDependencies } from '../use-cases/manage-list.js';
import type { SubscriptionDependencies } from '../use-cases/subscriptions/dependencies.js';
import type { AppServices } from './app-services.js';

/** The reader's side (subscription API) and the operator's side (list commands) of the list. */

/** The subscription use cases (and the API over them) for these newsletters. */
export function subscriptionDependencies(
  services: AppServices,
  newsletters: readonly NewsletterConfig[] = services.config.newsletters,
): SubscriptionDependencies {
  return {
    newsletters,
    subscribers: services.subscribers,
    suppressions: services.suppressions,
    editions: services.editions,
    ledger: services.ledger,
    mailer: services.mailer,
    tokenKeys: services.tokenKeys,
    clock: services.clock,
    signUpLimitStore: services.signUpLimits,
    signUpLimitSettings: services.config.signUps,
    ...(services.templatesDir ? { templatesDir: services.templatesDir } : {}),
    ...(services.templateDirs ? { templateDirs: services.templateDirs } : {}),
  };
}

/** The operator's list commands (add, import). */
export function listDependencies(services: AppServices): ListDependencies {
  return listDependenciesWith(services, (email) => subscriberId(services.tokenKeys.id, email));
}

/**
 * The same for a place without the token key (the operator's `--aws` commands), which keys
 * subscriber ids with the id key derived from the stack's secret.
 */
export function listDependenciesWith(services: Pick<AppServices, 'subscribers' | 'suppressions' | 'clock'>, idOf: (email: string) => string): ListDependencies {
  return { subscribers: services.subscribers, suppressions: services.suppressions, subscriberId: idOf, clock: services.clock };
}

/**
 * Local links must reach the local server, whatever public baseUrl the config names: every
 * newsletter's links point at `baseUrl` (the dev server's real address and port).
 */
export function withBaseUrl(config: Config, baseUrl: string): Config {
  return { ...config, newsletters: config.newsletters.map((n) => ({ ...n, baseUrl })) };
}
