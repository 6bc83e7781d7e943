import { describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../functions/adapters/dynamodb/delivery-ledger.js';
import { ensureTable } from '../../../functions/adapters/dynamodb/table.js';
import { GroupLocks } from '../../../functions/use-cases/delivery/group-locks.js';
import { useTestServers } from '../../support/local-servers.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';

/** The delivery-group locks of one sending run, against real dynalite, on a virtual clock. */
const servers = useTestServers();
let tables = 0;

async function setUp() {
  const tableName = `group-locks-${++tables}`;
  await ensureTable(servers().dynamodb, tableName);
  const ledger = new DynamoDeliveryLedger(servers().dynamodb, tableName);
  const clock = new VirtualClock();
  const locks = new GroupLocks({ clock, ledger, editionId: 'ed-1', owner: 'run-1' });
  const otherSender = (afterMs: number) => {
    const at = new Date(clock.now().getTime() + afterMs);
    return ledger.claimGroup('ed-1', '7', { at: at.toISOString(), owner: 'run-2', leaseUntil: new Date(at.getTime() + 600_000).toISOString() });
  };
  return { ledger, clock, locks, otherSender };
}

describe('GroupLocks', () => {
  it('renews a lock that a slow, paced batch still needs, so no other sender takes its readers over', async () => {
    const { clock, locks, otherSender } = await setUp();
    expect(await locks.take(['7'])).toEqual(new Set(['7']));
    clock.advance(400_000);
    expect(await locks.keep('7')).toBe(true);
    // Without the renewal the lease would have run out at 600 s; renewed at 400 s it holds to 1,000 s.
    expect(await otherSender(300_000)).toBe('in-progress');
  });

  it('gives up the readers of a lock another sender took over after its lease ran out', async () => {
    const { clock, locks, otherSender } = await setUp();
    await locks.take(['7']);
    clock.advance(700_000);
    expect(await otherSender(0)).toBe('claimed');
    expect(await locks.keep('7')).toBe(false);
  });

  it('keeps a group two batches of the run share (a page boundary inside it) until the second lets it go', async () => {
    const { locks, otherSender } = await setUp();
    const first = await locks.take(['6', '7']);
    const second = await locks.take(['7', '8']);
    expect([...first, ...second].sort()).toEqual(['6', '7', '7', '8']);
    // Locked once in the store: the second batch found it held by its own run.
    expect(locks.lockedFirst('7')).toBe(true);
    await locks.release(first);
    expect(await otherSender(0)).toBe('in-progress');
    await locks.release(second);
    expect(await otherSender(0)).toBe('claimed');
  });

  it('locks a group of an edition made before delivery groups without trusting that nobody sent to it', async () => {
    const { ledger, clock } = await setUp();
    const legacy = new GroupLocks({ clock, ledger, editionId: 'ed-old', owner: 'run-1' }, false);
    await legacy.take(['reader#abc']);
    expect(legacy.lockedFirst('reader#abc')).toBe(false);
  });

  it('never re-takes a lock it lost: another sender that took it over after the lease and let it go keeps its readers', async () => {
    const { ledger, clock, locks } = await setUp();
    await locks.take(['7']);
    clock.advance(700_000);
    const at = clock.now();
    expect(await ledger.claimGroup('ed-1', '7', { at: at.toISOString(), owner: 'run-2', leaseUntil: new Date(at.getTime() + 600_000).toISOString() })).toBe(
      'claimed',
    );
    await ledger.releaseGroup('ed-1', '7', 'run-2');
    // Released by the other sender, the lock is free in the store, but it is not this run's any more.
    expect(await locks.keep('7')).toBe(false);
    expect(locks.lockedFirst('7')).toBe(false);
  });

  it("lets go of the locks it took when the store fails for one of a batch's groups", async () => {
    const { ledger, clock, otherSender } = await setUp();
    const failing = Object.assign(Object.create(ledger) as DynamoDeliveryLedger, {
      claimGroup: (editionId: string, group: string, request: Parameters<DynamoDeliveryLedger['claimGroup']>[2]) =>
        group === '9' ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : ledger.claimGroup(editionId, group, request),
    });
    const locks = new GroupLocks({ clock, ledger: failing, editionId: 'ed-1', owner: 'run-1' });
    await expect(locks.take(['7', '8', '9'])).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(await otherSender(0)).toBe('claimed');
  });
});
