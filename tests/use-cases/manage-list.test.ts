import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../functions/core/tokens.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { addDemoReader, addToList, confirmedReaders, describeLeft, type ListDependencies } from '../../functions/use-cases/manage-list.js';
import { erase } from '../../functions/use-cases/subscriptions/erase.js';
import { unsubscribe } from '../../functions/use-cases/subscriptions/unsubscribe.js';
import { startTestServers, type TestServers } from '../support/local-servers.js';
import type { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { subscriptionDeps, testClock } from '../support/subscription-fixtures.js';

/**
 * The operator adds and imports people; whoever left (unsubscribed through their link, erased,
 * suppressed after a bounce) stays out, whatever the operator's file says.
 */
let servers: TestServers;
let clock: VirtualClock;
let deps: ReturnType<typeof subscriptionDeps>;
let list: ListDependencies;
const NEWSLETTER = 'ai-talent';
const confirmed = { confirmed: true, source: 'imported from test.csv' };

beforeAll(async () => {
  servers = await startTestServers();
  clock = testClock();
  deps = subscriptionDeps(servers, clock);
  list = { subscribers: deps.subscribers, suppressions: deps.suppressions, subscriberId: (email) => subscriberId(deps.tokenKeys.id, email), clock };
});

afterAll(async () => servers?.stop());

async function statusOf(email: string): Promise<string | undefined> {
  return (await deps.subscribers.get(NEWSLETTER, subscriberId(deps.tokenKeys.id, email)))?.status;
}

describe('addToList', () => {
  it('never brings back a reader who unsubscribed through their own link', async () => {
    const email = 'left-by-link@example.com';
    expect(await addToList(list, NEWSLETTER, [{ email }], confirmed)).toEqual([{ outcome: 'added' }]);
    const token = signToken(deps.tokenKeys.signing, { purpose: 'unsubscribe', newsletterId: NEWSLETTER, subscriberId: subscriberId(deps.tokenKeys.id, email) });
    expect(await unsubscribe(deps, token)).toMatchObject({ ok: true });

    const [outcome] = await addToList(list, NEWSLETTER, [{ email, name: 'Back Again' }], confirmed);
    expect(outcome).toMatchObject({ outcome: 'left', reason: { kind: 'unsubscribed' } });
    expect(await statusOf(email)).toBe('unsubscribed');
    expect((await deps.subscribers.get(NEWSLETTER, subscriberId(deps.tokenKeys.id, email)))?.name).toBeUndefined();
  });

  it('never brings back an erased address, and says it was erased', async () => {
    const email = 'erased@example.com';
    await addToList(list, NEWSLETTER, [{ email }], confirmed);
    const token = signToken(deps.tokenKeys.signing, {
      purpose: 'erase',
      newsletterId: NEWSLETTER,
      subscriberId: subscriberId(deps.tokenKeys.id, email),
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 3600,
    });
    expect(await erase(deps, token)).toMatchObject({ ok: true });

    const [outcome] = await addToList(list, NEWSLETTER, [{ email }], confirmed);
    expect(outcome).toMatchObject({ outcome: 'left', reason: { kind: 'erased' } });
    expect(await statusOf(email)).toBeUndefined();
    expect(describeLeft((outcome as { reason: Parameters<typeof describeLeft>[0] }).reason)).toMatch(
      /^erased at the subscriber's request on \d{4}-\d\d-\d\d; an erased address is never mailed again$/,
    );
  });

  it('never re-confirms an address suppressed by a hard bounce, and names the reason', async () => {
    const email = 'bounced@example.com';
    await addToList(list, NEWSLETTER, [{ email }], { confirmed: false, source: 'test' });
    await deps.suppressions.suppress(subscriberId(deps.tokenKeys.id, email), 'hard bounce', clock.now().toISOString());

    const [outcome] = await addToList(list, NEWSLETTER, [{ email }], confirmed);
    expect(outcome).toMatchObject({ outcome: 'left', reason: { kind: 'suppressed', detail: 'hard bounce' } });
    expect(await statusOf(email)).toBe('pending');
  });

  it('loses to an unsubscribe that lands between its read and its write', async () => {
    const email = 'race@example.com';
    await addToList(list, NEWSLETTER, [{ email }], { confirmed: false, source: 'test' });
    // The reader unsubscribes right after the import read the (pending) record.
    const racing: ListDependencies = {
      ...list,
      subscribers: Object.assign(Object.create(deps.subscribers) as typeof deps.subscribers, {
        getMany: async (newsletterId: string, ids: string[]) => {
          const found = await deps.subscribers.getMany(newsletterId, ids);
          await deps.subscribers.update(newsletterId, subscriberId(deps.tokenKeys.id, email), {
            status: 'unsubscribed',
            unsubscribedAt: clock.now().toISOString(),
          });
          return found;
        },
      }),
    };
    const [outcome] = await addToList(racing, NEWSLETTER, [{ email }], confirmed);
    expect(outcome).toMatchObject({ outcome: 'left', reason: { kind: 'unsubscribed' } });
    expect(await statusOf(email)).toBe('unsubscribed');
  });

  it('counts a row that changes nothing as unchanged, a new name or a confirmation as updated', async () => {
    const email = 'steady@example.com';
    expect(await addToList(list, NEWSLETTER, [{ email, name: 'Steady' }], { confirmed: false, source: 'test' })).toEqual([{ outcome: 'added' }]);
    expect(await addToList(list, NEWSLETTER, [{ email, name: 'Steady' }], { confirmed: false, source: 'test' })).toEqual([{ outcome: 'unchanged' }]);
    expect(await addToList(list, NEWSLETTER, [{ email, name: 'Steady' }], confirmed)).toEqual([{ outcome: 'updated' }]);
    expect(await addToList(list, NEWSLETTER, [{ email, name: 'Steady' }], confirmed)).toEqual([{ outcome: 'unchanged' }]);
    expect(await addToList(list, NEWSLETTER, [{ email, name: 'Steady Two' }], confirmed)).toEqual([{ outcome: 'updated' }]);
    expect(await statusOf(email)).toBe('confirmed');
  });

  it('adds the same address twice in one batch once', async () => {
    const email = 'twice@example.com';
    const outcomes = await addToList(list, NEWSLETTER, [{ email }, { email }], confirmed);
    expect(outcomes).toEqual([{ outcome: 'added' }, { outcome: 'unchanged' }]);
  });
});

describe('DynamoSuppressionStore.lift', () => {
  it('lifts a complaint suppression so the operator can add the address again', async () => {
    const email = 'complained@example.com';
    const id = subscriberId(deps.tokenKeys.id, email);
    await deps.suppressions.suppress(id, 'complaint', clock.now().toISOString());
    expect((await deps.suppressions.findMany([id])).get(id)).toMatchObject({ reason: 'complaint' });
    expect(await deps.suppressions.lift(id)).toBe(true);
    expect(await deps.suppressions.isSuppressed(id)).toBe(false);
    expect(await deps.suppressions.lift(id)).toBe(false);
    expect(await addToList(list, NEWSLETTER, [{ email }], confirmed)).toEqual([{ outcome: 'added' }]);
  });
});

describe('addDemoReader', () => {
  it('adds the demo reader, confirmed, to an empty list only: a list with anyone on it gets none', async () => {
    const empty = 'demo-empty';
    expect(await addDemoReader(list, empty, 'reader@example.com')).toBe(true);
    expect(await confirmedReaders(list, empty)).toBe(1);
    expect(await addDemoReader(list, empty, 'second-demo@example.com')).toBe(false);

    const own = 'demo-own-list';
    await addToList(list, own, [{ email: 'ana@example.com' }], { confirmed: false, source: 'imported from test.csv' });
    expect(await addDemoReader(list, own, 'reader@example.com')).toBe(false);
    expect(await confirmedReaders(list, own)).toBe(0);
  });
});
