import type { AfterAnswer } from '../../ports/after-answer.js';

/**
 * Work the local server runs after it has answered: started on the next turn of the event loop,
 * so the response is written first. `drain` waits for what is still running (shutdown, tests).
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

  readonly run: AfterAnswer = (work) => {
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      // The work logs its own failures; one must never take the server down.
      .catch(() => undefined)
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
    return Promise.resolve();
  };

  /** Resolves when no work is left, including work started while waiting. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
