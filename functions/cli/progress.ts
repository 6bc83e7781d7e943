import cliProgress from 'cli-progress';
import type { DeliveryReport } from '../core/delivery/report.js';

export interface Progress {
  update(report: DeliveryReport): void;
  stop(): void;
}

/**
 * A progress bar on a terminal; on a pipe or in CI, a plain line every 10% (or every 1,000), which
 * reads well in a log.
 */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (total <= 0) return { update() {}, stop() {} };
  const done = (r: DeliveryReport) => r.sent + r.alreadySent + r.suppressed + r.failed;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'Sending [{bar}] {value}/{total} | {rate}/s | {failed} failed', stream, hideCursor: true, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0', failed: 0 });
    return {
      update: (r) => bar.update(done(r), { rate: r.rate.toFixed(1), failed: r.failed }),
      stop: () => bar.stop(),
    };
  }
  const step = Math.max(1, Math.min(1000, Math.ceil(total / 10)));
  let next = step;
  return {
    update(r) {
      const n = done(r);
      if (n >= next) {
        stream.write(`sending: ${n}/${total} done, ${r.failed} failed\n`);
        next = (Math.floor(n / step) + 1) * step;
      }
    },
    stop() {},
  };
}
