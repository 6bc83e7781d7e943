import { AwsContext } from '../../handlers/aws-context.js';
import type { sendBatchHandler, SqsEvent } from '../../handlers/send-batch.js';
import { ContainerFreeze, type PreparedClient } from './lambda-timeout.js';
import { chainOfSent, stampChain } from './recursive-loop.js';
import { holdWhileCalling, type InvocationScope } from './time-warp.js';
import type { TwinTime } from './twin-time.js';

/** How one invocation ended, as the event source sees it. */
export type InvocationOutcome =
  | { kind: 'returned'; batchItemFailures: string[] }
  /** The handler threw (or answered something that is no batch response): the whole batch failed. */
  | { kind: 'failed'; error: unknown }
  /** Killed by its timeout; `inFlight` SES sends were on their way at the kill. */
  | { kind: 'killed'; inFlight: number };

export interface InvocationPlan {
  awsRequestId: string;
  timeoutMs: number;
  /** The chain of the records (recursive-loop.ts): what the container's SQS sends are stamped from. */
  chain: number;
  /** Kill the container at this SES send of the invocation (a kill at a random moment mid-batch). */
  killAtSend?: number;
}

/**
 * The SDK clients' part of every modelled function: the freeze of the timeout model, the clock hold
 * of virtual time, and the recursive-loop chain stamped on what it sends to SQS (`chain` gives the
 * chain of the records it is handling; `onSent` hears of every message it queued).
 */
export function prepareTwinClient(client: PreparedClient, time: TwinTime, chain: () => number, onSent: () => void, freeze?: ContainerFreeze): void {
  freeze?.prepare(client);
  if (time.virtual) holdWhileCalling(client, time.virtual);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageCommand' && context.commandName !== 'SendMessageBatchCommand') return next(args);
      const result = await next({ ...args, input: stampChain(args.input, chainOfSent([chain()])) });
      onSent();
      return result;
    },
    { step: 'initialize', name: 'twinRecursionChain' },
  );
}

/**
 * One execution environment of the sender function: its own AwsContext (clients, stores, token
 * key, the handler's per-container cache) built on the first invocation and reused while it is
 * warm, one invocation at a time, as Lambda does.
 */
export class SenderContainer {
  readonly freeze = new ContainerFreeze();
  private chain = 1;
  private scope?: InvocationScope;
  private readonly handler: ReturnType<typeof sendBatchHandler>;

  /** `handlerOf` is send-batch.ts's `sendBatchHandler`, loaded once the twin has set Powertools' environment. */
  constructor(
    handlerOf: typeof sendBatchHandler,
    env: Record<string, string>,
    private readonly time: TwinTime,
    onSent: () => void,
  ) {
    // The handler's clock sleeps in the running invocation's scope.
    const clock = { now: () => time.clock.now(), sleep: (ms: number) => (this.scope ? this.scope.sleep(ms) : time.clock.sleep(ms)) };
    const context = new AwsContext(env, undefined, clock, {
      prepareClient: (client) => prepareTwinClient(client as unknown as PreparedClient, time, () => this.chain, onSent, this.freeze),
    });
    this.handler = handlerOf(() => context);
  }

  async invoke(event: SqsEvent, plan: InvocationPlan): Promise<InvocationOutcome> {
    const started = this.time.now();
    this.chain = plan.chain;
    const scope = (this.scope = this.time.scope());
    let inFlight: number | undefined;
    const kill = () => {
      scope.end();
      return (inFlight ??= this.freeze.freeze());
    };
    this.freeze.arm(plan.killAtSend, kill);
    let cancelDeadline = () => {};
    const deadline = new Promise<'deadline'>((resolve) => (cancelDeadline = this.time.timer(plan.timeoutMs, () => resolve('deadline'))));
    const context = { awsRequestId: plan.awsRequestId, getRemainingTimeInMillis: () => Math.max(0, started + plan.timeoutMs - this.time.now()) };
    const run = scope
      .run(() => this.handler(event, context))
      .then(
        (answer): InvocationOutcome =>
          Array.isArray(answer?.batchItemFailures)
            ? { kind: 'returned', batchItemFailures: answer.batchItemFailures.map((f) => f.itemIdentifier) }
            : { kind: 'failed', error: new Error('the handler answered no batchItemFailures') },
        (error: unknown): InvocationOutcome => ({ kind: 'failed', error }),
      );
    const first = await Promise.race([run, deadline]);
    // A frozen process answers nothing: a container killed mid-batch is only noticed at its deadline.
    if (first !== 'deadline' && !this.freeze.isFrozen) {
      cancelDeadline();
      return first;
    }
    if (first !== 'deadline') await deadline;
    return { kind: 'killed', inFlight: kill() };
  }
}
