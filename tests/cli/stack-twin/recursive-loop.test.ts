import { describe, expect, it } from 'vitest';
import {
  CHAIN_ATTRIBUTE,
  RECURSION_LIMIT,
  chainOf,
  chainOfSent,
  declaredRecursiveLoop,
  stampChain,
  stopsInvocation,
} from '../../../functions/cli/stack-twin/recursive-loop.js';

describe('recursive-loop rule', () => {
  it('starts a chain at 1 for a message from outside the sender and adds one per hop through it', () => {
    expect(chainOf(undefined)).toBe(1);
    expect(chainOf({ [CHAIN_ATTRIBUTE]: { StringValue: '7' } })).toBe(7);
    expect(chainOfSent([])).toBe(1);
    expect(chainOfSent([3, 7, 2])).toBe(8);
  });

  it('stops the 17th invocation of a chain under Terminate and none under Allow', () => {
    expect(RECURSION_LIMIT).toBe(16);
    expect(stopsInvocation(16, 'Terminate')).toBe(false);
    expect(stopsInvocation(17, 'Terminate')).toBe(true);
    expect(stopsInvocation(500, 'Allow')).toBe(false);
  });

  it('stamps every message of a batch send with the chain, keeping their other attributes', () => {
    const stamped = stampChain(
      {
        QueueUrl: 'q',
        Entries: [
          { Id: '0', MessageBody: 'a', MessageAttributes: { kept: { DataType: 'String', StringValue: 'yes' } } },
          { Id: '1', MessageBody: 'b' },
        ],
      },
      4,
    );
    expect(stamped.Entries.map((e) => chainOf(e.MessageAttributes))).toEqual([4, 4]);
    expect(stamped.Entries[0]!.MessageAttributes!.kept).toEqual({ DataType: 'String', StringValue: 'yes' });
    expect(chainOf(stampChain({ QueueUrl: 'q', MessageBody: 'c', MessageAttributes: {} }, 2).MessageAttributes)).toBe(2);
  });

  it("reads the function's setting from the topology, and AWS's default Terminate when it declares none", () => {
    expect(declaredRecursiveLoop({ timeoutSeconds: 180 })).toBe('Terminate');
    expect(declaredRecursiveLoop({ recursiveLoop: 'Allow' })).toBe('Allow');
  });
});
