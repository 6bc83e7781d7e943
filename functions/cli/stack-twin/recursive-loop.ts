/**
 * Lambda's recursive-loop stop, which no local server has, modelled here and nowhere else.
 *
 * AWS: "Use Lambda recursive loop detection to prevent infinite loops"
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html): Lambda follows an event
 * through Lambda -> SQS -> Lambda with the X-Ray trace header (the message's AWSTraceHeader); if a
 * function is invoked more than 16 times in the same chain of requests, Lambda stops the next
 * invocation in that chain, unless the function's recursive loop setting is `Allow` (`Terminate` is
 * the default: PutFunctionRecursionConfig). AWS's notice of the launch says the stopped event goes
 * to the dead-letter queue or on-failure destination when one is configured: for the send queue,
 * its DLQ.
 *
 * The twin carries the chain in a message attribute instead of a trace header: a message from
 * outside the sender (the digest, the operator's re-queue) starts a chain at 1; a message the
 * sender sends while it handles records of chain c has chain c + 1.
 */

/** Invocations of one function in one chain that Lambda lets run; the next one is stopped. */
export const RECURSION_LIMIT = 16;

export type RecursiveLoop = 'Allow' | 'Terminate';

/** The message attribute the twin's SQS clients stamp the chain in (a stand-in for AWSTraceHeader). */
export const CHAIN_ATTRIBUTE = 'TwinChain';

/** The chain of a message read from SQS: its attribute, or 1 for a message from outside the loop. */
export function chainOf(attributes: Record<string, { StringValue?: string | undefined }> | undefined): number {
  const value = Number(attributes?.[CHAIN_ATTRIBUTE]?.StringValue);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** The chain of every message an invocation sends while it handles records of these chains. */
export function chainOfSent(handled: readonly number[]): number {
  return Math.max(0, ...handled) + 1;
}

/** Whether Lambda stops the invocation a message of this chain would make, instead of running it. */
export function stopsInvocation(chain: number, setting: RecursiveLoop): boolean {
  return setting === 'Terminate' && chain > RECURSION_LIMIT;
}

type Attributes = Record<string, { DataType: string; StringValue?: string }>;
interface SendInput {
  QueueUrl?: string | undefined;
  MessageBody?: string | undefined;
  MessageAttributes?: Attributes;
  Entries?: { MessageAttributes?: Attributes }[];
}

/** A SendMessage or SendMessageBatch input with every message stamped with `chain` (a copy). */
export function stampChain<T extends SendInput>(input: T, chain: number): T {
  const stamp = (attributes: Attributes | undefined): Attributes => ({ ...attributes, [CHAIN_ATTRIBUTE]: { DataType: 'Number', StringValue: String(chain) } });
  if (input.Entries) return { ...input, Entries: input.Entries.map((entry) => ({ ...entry, MessageAttributes: stamp(entry.MessageAttributes) })) };
  return { ...input, MessageAttributes: stamp(input.MessageAttributes) };
}

/**
 * The function's setting as the stack deploys it: `recursiveLoop` of the sender's topology when the
 * topology declares one, else AWS's default.
 */
export function declaredRecursiveLoop(sender: object): RecursiveLoop {
  const value: unknown = (sender as Record<string, unknown>).recursiveLoop;
  return value === 'Allow' || value === 'Terminate' ? value : 'Terminate';
}
