import type { Config } from '../core/config.js';
import type { DigestOptions } from '../use-cases/run-digest.js';
import type { SendQueue } from '../ports/send-queue.js';
import type { RequeueDependencies } from '../use-cases/delivery/requeue-edition.js';
import type { SendDependencies } from '../use-cases/delivery/send-context.js';
import type { TestSendDependencies } from '../use-cases/test-send.js';
import type { AppServices } from './app-services.js';

/** Sending on either path: the in-process send and the queued sender on AWS (see `edition.ts` for the seam). */

/** What sending needs; `owner` names this run or invocation on every delivery claim. */
export function sendDependencies(services: AppServices, owner: string): SendDependencies {
  return {
    owner,
    editions: services.editions,
    subscribers: services.subscribers,
    suppressions: services.suppressions,
    ledger: services.ledger,
    mailer: services.mailer,
    // Sending only signs: the links in new mail carry the signing key's id.
    tokenKey: services.tokenKeys.signing,
    clock: services.clock,
    ...(services.sendBudget ? { sendBudget: services.sendBudget } : {}),
  };
}

/**
 * What queuing an edition's readers again needs (`editions resume/resend --aws`, an approval on
 * AWS, a fan-out step a sender goes on with): the stores that say who has the edition and the send
 * queue the stack's senders drain. No mailer: nothing is sent by whoever queues.
 */
export function requeueDependencies(services: Pick<AppServices, 'editions' | 'subscribers' | 'deliveries' | 'clock'>, queue: SendQueue): RequeueDependencies {
  return { editions: services.editions, subscribers: services.subscribers, deliveries: services.deliveries, queue, clock: services.clock };
}

/** What a test copy (`--test-to`) needs: the mailer and the clock, no store (nothing is recorded). */
export function testSendDependencies(services: Pick<AppServices, 'mailer' | 'clock'>): TestSendDependencies {
  return { mailer: services.mailer, clock: services.clock };
}

type DeliveryOptions = Pick<DigestOptions, 'rate' | 'concurrency' | 'limits' | 'warmUp'>;

/** The in-process send (`digest`, the `dev` scheduler): the configured rate, or `--rate`, else the account's maximum. */
export function localDeliveryOptions(config: Pick<Config, 'delivery'>, rate?: number): DeliveryOptions {
  const chosen = rate ?? config.delivery.rate;
  return { ...(chosen ? { rate: chosen } : {}), ...sharedDeliveryOptions(config) };
}

/**
 * The queued send on AWS. SES_SEND_RATE fixes one sender's rate; otherwise each sender takes its
 * share (`senders`, SES_SENDERS) of the configured `delivery.rate` (a new domain warming up sends
 * slower than the account may), or else of the account's rate read at run time, so a quota raise
 * takes effect without a redeploy.
 */
export function queuedDeliveryOptions(
  config: Pick<Config, 'delivery'>,
  environment: { sendRate?: number | undefined; senders?: number | undefined },
): DeliveryOptions & { senders?: number } {
  const senders = environment.senders ?? 1;
  const configured = config.delivery.rate ? config.delivery.rate / senders : undefined;
  const rate = environment.sendRate ?? configured;
  return {
    ...sharedDeliveryOptions(config),
    ...(rate ? { rate } : {}),
    ...(environment.senders ? { senders: environment.senders } : {}),
  };
}

function sharedDeliveryOptions({ delivery }: Pick<Config, 'delivery'>): Omit<DeliveryOptions, 'rate'> {
  return {
    ...(delivery.concurrency ? { concurrency: delivery.concurrency } : {}),
    limits: { bounceRate: delivery.bounceRateLimit, complaintRate: delivery.complaintRateLimit },
    ...(delivery.warmUp ? { warmUp: delivery.warmUp } : {}),
  };
}
