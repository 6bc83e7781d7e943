/**
 * The timeout that kills a Lambda invocation, which no local server has, modelled here and nowhere
 * else.
 *
 * AWS: "Configure Lambda function timeout" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html):
 * Lambda runs an invocation until it returns or its timeout passes, then stops it; and "Handling
 * errors for an SQS event source" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * the records of a failed or timed-out invocation are not deleted and come back once the queue's
 * visibility timeout runs out. A stopped invocation is a frozen process: requests it already put on
 * the wire may still reach a server and be accepted there, but their answers are never seen, and it
 * makes no request after. The twin adds `middleware` to each of a container's SDK clients (through
 * AwsContext's `prepareClient`) and freezes them all at the kill; the container is then discarded.
 */

type Handler = (args: { input: object }) => Promise<unknown>;
/** An SDK middleware (the part of @smithy/types this module needs). */
export type SdkMiddleware = (next: Handler, context: { commandName?: string }) => Handler;
/** What `prepareClient` hands over: a client whose middleware stack takes ours. */
export interface PreparedClient {
  middlewareStack: {
    add(middleware: SdkMiddleware, options: { step: 'initialize' | 'deserialize'; name: string; priority?: 'high' | 'normal' | 'low' }): void;
  };
}

const SEND = 'SendRawEmailCommand';
const never = (): Promise<never> => new Promise<never>(() => {});

export class ContainerFreeze {
  private frozen = false;
  private sesInFlight = 0;
  private sesSends = 0;
  private stall?: { atSend: number; then: () => void };

  get isFrozen(): boolean {
    return this.frozen;
  }

  /**
   * For the next invocation: at its `atSend`-th SES SendRawEmail call, once that call is on its way,
   * `then` runs (the twin kills the container there: a kill at a random moment mid-batch).
   */
  arm(atSend: number | undefined, then: () => void): void {
    this.sesSends = 0;
    if (atSend === undefined) delete this.stall;
    else this.stall = { atSend, then };
  }

  /** Freezes every client of the container; answers how many SES sends were on their way. */
  freeze(): number {
    this.frozen = true;
    return this.sesInFlight;
  }

  readonly middleware: SdkMiddleware = (next, context) => async (args) => {
    if (this.frozen) return never();
    const send = context.commandName === SEND;
    if (send) {
      this.sesInFlight++;
      this.sesSends++;
    }
    try {
      const answer = next(args);
      if (send && this.stall && this.sesSends === this.stall.atSend) this.stall.then();
      const result = await answer;
      return this.frozen ? never() : result;
    } catch (error) {
      if (this.frozen) return never();
      throw error;
    } finally {
      if (send) this.sesInFlight--;
    }
  };

  /** Adds the freeze to a client, outermost, so a frozen call never reaches the others. */
  prepare(client: PreparedClient): void {
    client.middlewareStack.add(this.middleware, { step: 'initialize', name: 'twinContainerFreeze', priority: 'high' });
  }
}
