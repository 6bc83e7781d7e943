import { Command, InvalidArgumentError } from 'commander';

/**
 * `npm run simulate -- --readers N --daily-quota Q --rate R [--senders S] [--ses-faults P]
 * [--sender-timeouts P] [--seed K]`: the operator's capacity planner. One edition to N confirmed
 * readers through the local twin of the AWS stack on a virtual clock (functions/cli/stack-twin/);
 * prints one JSON line.
 */

const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number of 0 or more, not "${value}"`);
  return n;
};
const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, not "${value}"`);
  return n;
};
const share = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`${name} must be a share from 0 to 1 (0.2 = 20 %), not "${value}"`);
  return n;
};

const program = new Command('simulate')
  .description('one edition through the local twin of the AWS stack, on a virtual clock')
  .requiredOption('--readers <n>', 'confirmed readers on the list', count('--readers'))
  .requiredOption('--rate <r>', "the SES account's maximum send rate, messages per second", positive('--rate'))
  .option('--daily-quota <q>', "the SES account's 24-hour sending quota (default: none)", count('--daily-quota'))
  .option('--senders <s>', "the event source's maximum concurrency (default: the stack's, from the rate)", count('--senders'))
  .option('--ses-faults <p>', 'share of SES calls that fail (half Throttling, half 5xx)', share('--ses-faults'))
  .option('--sender-timeouts <p>', 'share of sender invocations killed by their timeout mid-batch', share('--sender-timeouts'))
  .option('--seed <k>', 'seed of the faults and kills', count('--seed'))
  .parse();

const options = program.opts<{
  readers: number;
  rate: number;
  dailyQuota?: number;
  senders?: number;
  sesFaults?: number;
  senderTimeouts?: number;
  seed?: number;
}>();
// Set before the handlers load: their logs and metrics would bury the one line this prints.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { simulateEdition } = await import('../functions/cli/stack-twin/simulation.js');
const report = await simulateEdition(options);
process.stdout.write(`${JSON.stringify(report)}\n`);
