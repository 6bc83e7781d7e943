/**
 * Lambda bills compute in GB-seconds: the invocation's duration times the memory configured, in GB
 * (https://aws.amazon.com/lambda/pricing/). An invocation its timeout kills is billed up to the
 * timeout.
 */
export function gbSeconds(durationMs: number, memoryMb: number): number {
  if (!(durationMs >= 0) || !(memoryMb > 0))
    throw new RangeError(`an invocation of ${durationMs} ms at ${memoryMb} MB cannot be billed: duration must be 0 or more, memory positive`);
  return (durationMs / 1000) * (memoryMb / 1024);
}
