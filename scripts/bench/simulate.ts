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
  // BENCH_SIMULATE=READERS,QUOTA runs another size (a smaller one on a busy machine: 100,000 takes
  // about an hour of CPU, see docs/deploy.md).
  const [readers = 100_000, dailyQuota = 50_000] = (process.env.BENCH_SIMULATE ?? '').split(',').filter(Boolean).map(Number);
  const options = { readers, dailyQuota, rate: 14 };
  const started = performance.now();
  const report = await simulateEdition(options);
  const realSeconds = (performance.now() - started) / 1000;
  console.log(`simulate --readers ${options.readers} --daily-quota ${options.dailyQuota} --rate ${options.rate}: ${JSON.stringify(report)}`);
  return {
    name: `simulate ${options.readers.toLocaleString('en-US')} readers (quota ${options.dailyQuota.toLocaleString('en-US')} a day, 14/s)`,
    figures: { ...report, realSeconds },
  };
}
