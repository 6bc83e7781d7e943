import type { FeedbackDependencies } from '../use-cases/feedback.js';
import type { AppServices } from './app-services.js';

/**
 * What handling SES feedback (bounces and complaints) needs: the stores it suppresses in and counts
 * on, and the id key (`TokenKeys.id`), which finds the subscriber id of a bounced address. Only the id key: the
 * feedback function never signs a link. A file of its own so the feedback function's bundle holds no
 * renderer or sender.
 */
export function feedbackDependencies(services: Pick<AppServices, 'suppressions' | 'editions' | 'feedback' | 'clock'>, idKey: Buffer): FeedbackDependencies {
  return { suppressions: services.suppressions, editions: services.editions, feedback: services.feedback, now: services.clock.now(), idKey };
}
