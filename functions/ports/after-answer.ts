/**
 * Runs work whose duration must not show in an answer (a sign-up's store writes and confirmation
 * mail, which differ with the address's state). Resolves once the work is handed over, or, where
 * nothing can run after the answer (Lambda), once it is done.
 */
export type AfterAnswer = (work: () => Promise<void>) => Promise<void>;
