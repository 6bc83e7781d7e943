/**
 * `npm run bench -- --only simulate`: a list of 100,000 through the local twin of the AWS stack
 * (functions/cli/stack-twin/), on the stack's settings at 14 messages/s with a quota of 60,000: the
 * capacity planner at the size the acceptance targets name, too long for npm test.
 */
export async function benchSimulate(): Promise<{ name: string; figures: Record<string, number> }> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { simulateEdition } = await import('../../functions/cli/stack-twin/simulation.js');
  const started = performance.now();
  const report = await simulateEdition({ readers: 100_000, dailyQuota: 60_000, rate: 14, sesFaults: 0.2, senderTimeouts: 0.05, seed: 1 });
  return { name: 'simulate 100,000 (quota 60,000, 14/s, 20 % SES faults, 5 % kills)', figures: { ...report, realSeconds: (performance.now() - started) / 1000 } };
}
