import type { Clock } from '../core/clock.js';

/** The real clock, given to the use cases by the local app and the AWS context. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
