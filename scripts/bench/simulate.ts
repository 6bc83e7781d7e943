/**
 * `npm run bench -- --only simulate`: the capacity planner at the size the acceptance names, too long
 * for npm test: `npm run simulate -- --readers 100000 --daily-quota 50000 --rate 14` (a fresh SES
 * account's quota and rate) through the local twin of the AWS stack (functions/cli/stack-twin/). Prints
 * the simulate's JSON line as it is, and its figures as bench rows.
 */
export async function benchSimulate(): Promise<{ name: string; figures: Record<string, number> }> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { simulateEdition } = await import('../../functions/cli/stack-twin/simulation.js');
  const options = { readers: 100_000, dailyQuota: 50_000, rate: 14 };
  const started = performance.now();
  const report = await simulateEdition(options);
  const realSeconds = (performance.now() - started) / 1000;
  console.log(`simulate --readers ${options.readers} --daily-quota ${options.dailyQuota} --rate ${options.rate}: ${JSON.stringify(report)}`);
  return { name: 'simulate 100,000 readers (quota 50,000 a day, 14/s)', figures: { ...report, realSeconds } };
}
