import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SIMULATED_NEWSLETTER, seedConfirmedReaders, simulatedConfig, writeSimulatedArticle } from '../../functions/cli/stack-twin/simulation.js';
import { StackTwin, type StackTwinOptions } from '../../functions/cli/stack-twin/stack-twin.js';

export interface TwinRun {
  twin: StackTwin;
  addresses: string[];
  /** Virtual milliseconds when the digest ran. */
  digestAt: number;
  close(): Promise<void>;
}

/** A twin on a virtual clock with `readers` confirmed readers and one article, the digest not run yet. */
export async function twinWithReaders(readers: number, options: Omit<StackTwinOptions, 'config' | 'time'>): Promise<TwinRun> {
  const work = await mkdtemp(path.join(tmpdir(), 'newsletter-twin-test-'));
  await writeSimulatedArticle(path.join(work, 'articles'));
  const twin = await StackTwin.start({ config: simulatedConfig(path.join(work, 'articles')), time: 'virtual', ...options });
  const addresses = await seedConfirmedReaders(twin, SIMULATED_NEWSLETTER, readers);
  return {
    twin,
    addresses,
    digestAt: twin.time.now(),
    async close() {
      await twin.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
