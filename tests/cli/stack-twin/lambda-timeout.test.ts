import { describe, expect, it } from 'vitest';
import { ContainerFreeze } from '../../../functions/cli/stack-twin/lambda-timeout.js';

/** A call the test answers by hand. */
function pendingCall() {
  let answer!: (value: string) => void;
  const reached = { count: 0 };
  const next = () => {
    reached.count++;
    return new Promise<string>((resolve) => (answer = resolve));
  };
  return { next, answer: (value: string) => answer(value), reached };
}

const settledWithin = async (promise: Promise<unknown>) => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

describe('ContainerFreeze', () => {
  it('never answers a call that was on the wire at the kill, though the server answered it', async () => {
    const freeze = new ContainerFreeze();
    const call = pendingCall();
    const sending = freeze.middleware(call.next, { commandName: 'SendRawEmailCommand' })({ input: {} });
    expect(freeze.freeze()).toBe(1);
    call.answer('accepted');
    expect(await settledWithin(sending)).toBe(false);
  });

  it('makes no call after the kill', async () => {
    const freeze = new ContainerFreeze();
    freeze.freeze();
    const call = pendingCall();
    const later = freeze.middleware(call.next, { commandName: 'GetItemCommand' })({ input: {} });
    expect(call.reached.count).toBe(0);
    expect(await settledWithin(later)).toBe(false);
  });

  it('kills at the chosen SES send once that send is on its way, counting it in flight', async () => {
    const freeze = new ContainerFreeze();
    let inFlight: number | undefined;
    freeze.arm(2, () => (inFlight = freeze.freeze()));
    const first = pendingCall();
    const second = pendingCall();
    const one = freeze.middleware(first.next, { commandName: 'SendRawEmailCommand' })({ input: {} });
    first.answer('ok');
    expect(await one).toBe('ok');
    void freeze.middleware(second.next, { commandName: 'SendRawEmailCommand' })({ input: {} });
    expect(second.reached.count).toBe(1);
    expect(inFlight).toBe(1);
    expect(freeze.isFrozen).toBe(true);
  });
});
