import { randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsEvent } from '../../handlers/send-batch.js';
import { gbSeconds } from './billing.js';
import { chainOf, stopsInvocation, type RecursiveLoop } from './recursive-loop.js';
import type { InvocationOutcome, SenderContainer } from './sender-container.js';
import type { TwinTime } from './twin-time.js';

/** The sender's event source mapping and function settings the poller runs under (from core/send-topology.ts). */
interface EventSourceSettings {
  batchSize: number;
  maxConcurrency: number;
  timeoutSeconds: number;
  memoryMb: number;
  recursiveLoop: RecursiveLoop;
}

/** Where the queue stands, from the SQS server's own state (fauxqs's inspectQueue). */
export interface QueueState {
  /** Messages a receive would get now (ready, or delayed or in flight past their time). */
  available: number;
  /** Ready, delayed and in flight: zero when the queue is quiet. */
  total: number;
  /** When the next delayed or in-flight message becomes visible, in clock milliseconds. */
  nextVisibleAt?: number;
}

export interface EventSourceStats {
  invocations: number;
  coldStarts: number;
  gbSeconds: number;
  kills: number;
  /** SES sends on their way at each kill, summed. */
  inFlightAtKills: number;
  /** The longest recursive-loop chain an invocation ran with. */
  longestChain: number;
  /** Messages Lambda's recursive-loop stop sent to the DLQ instead of invoking. */
  recursionStops: number;
}

export interface EventSourceDependencies {
  sqs: SQSClient;
  queueUrl: string;
  deadLetterUrl: string;
  queueState: (now: number) => QueueState;
  time: TwinTime;
  settings: EventSourceSettings;
  newContainer: () => SenderContainer;
  /** The share of invocations whose container is killed by its timeout mid-batch, and the seeded RNG that picks them. */
  kills?: { share: number; random: () => number } | undefined;
  /**
   * Beside the dev server (`newsletter dev --stack-twin`), a `digest` in another terminal queues messages
   * that wake no one in this process: the poller then looks at the queue this often, as Lambda's
   * pollers long-poll.
   */
  pollMs?: number;
}

/**
 * Lambda's SQS event source for the sender, on a real SQS-compatible server: receives up to
 * `batchSize` messages while fewer than `maxConcurrency` invocations run, invokes a warm container
 * (or starts one), deletes the records the handler did not list in `batchItemFailures`, and leaves
 * the rest in flight to come back after the visibility timeout; redelivery and the DLQ after
 * maxReceiveCount are the server's own. AWS: "Using Lambda with Amazon SQS"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html) and "Handling errors for an SQS event
 * source" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): with
 * ReportBatchItemFailures only the listed records are retried; a handler that throws, or times out,
 * fails the whole batch. Lambda's own pollers scale up gradually and long-poll; this one receives as
 * soon as a slot is free, which is the limit they tend to.
 */
export class SqsEventSource {
  readonly stats: EventSourceStats = { invocations: 0, coldStarts: 0, gbSeconds: 0, kills: 0, inFlightAtKills: 0, longestChain: 0, recursionStops: 0 };
  private readonly idle: SenderContainer[] = [];
  private readonly running = new Set<Promise<void>>();
  private wakeUp?: () => void;
  private stopped = false;
  private quietWaiters: (() => void)[] = [];

  constructor(private readonly deps: EventSourceDependencies) {}

  /** Something changed (a message was queued, an invocation ended): look at the queue again. */
  readonly wake = (): void => {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  };

  /** Runs until the queue is quiet (nothing ready, delayed or in flight, no invocation running), or until `stop`. */
  async run(options: { untilQuiet: boolean }): Promise<void> {
    this.stopped = false;
    for (;;) {
      await this.fillSlots();
      if (this.stopped) break;
      const state = this.deps.queueState(this.deps.time.now());
      const quiet = this.running.size === 0 && state.total === 0;
      if (quiet) for (const resolve of this.quietWaiters.splice(0)) resolve();
      if (options.untilQuiet && quiet) break;
      await this.nextChange(state);
    }
    await Promise.all(this.running);
  }

  /** Changes the share of invocations killed mid-batch from now on (a test's fault that clears). */
  setKills(kills: EventSourceDependencies['kills']): void {
    this.deps.kills = kills;
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * While `run` goes on: resolves once the poller next finds the send queue quiet (nothing ready,
   * delayed or in flight, no invocation running), e.g. after a digest queued an edition.
   */
  whenQuiet(): Promise<void> {
    return new Promise((resolve) => {
      this.quietWaiters.push(resolve);
      this.wake();
    });
  }

  private async fillSlots(): Promise<void> {
    while (!this.stopped && this.running.size < this.deps.settings.maxConcurrency && this.deps.queueState(this.deps.time.now()).available > 0) {
      const received = await this.deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.deps.queueUrl,
          MaxNumberOfMessages: this.deps.settings.batchSize,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          WaitTimeSeconds: 0,
        }),
      );
      const messages = received.Messages ?? [];
      // A receive may move messages past maxReceiveCount to the DLQ and get none: look again.
      if (messages.length === 0) continue;
      const invoked: Message[] = [];
      for (const message of messages) {
        if (stopsInvocation(chainOf(message.MessageAttributes), this.deps.settings.recursiveLoop)) await this.stopRecursion(message);
        else invoked.push(message);
      }
      if (invoked.length > 0) this.start(invoked);
    }
  }

  private start(messages: Message[]): void {
    const container = this.idle.pop() ?? this.coldStart();
    const chain = Math.max(...messages.map((m) => chainOf(m.MessageAttributes)));
    this.stats.longestChain = Math.max(this.stats.longestChain, chain);
    this.stats.invocations++;
    const event: SqsEvent = { Records: messages.map((m) => ({ messageId: m.MessageId!, body: m.Body ?? '' })) };
    const { settings, time, kills } = this.deps;
    const ids = event.Records.reduce((sum, r) => sum + idsIn(r.body), 0);
    const killAtSend = kills && ids > 0 && kills.random() < kills.share ? 1 + Math.floor(kills.random() * ids) : undefined;
    const started = time.now();
    const invocation = container
      .invoke(event, { awsRequestId: randomUUID(), timeoutMs: settings.timeoutSeconds * 1000, chain, ...(killAtSend ? { killAtSend } : {}) })
      .then((outcome) => this.finish(container, messages, outcome, started));
    this.running.add(invocation);
    void invocation.finally(() => {
      this.running.delete(invocation);
      this.wake();
    });
  }

  private coldStart(): SenderContainer {
    this.stats.coldStarts++;
    return this.deps.newContainer();
  }

  private async finish(container: SenderContainer, messages: Message[], outcome: InvocationOutcome, started: number): Promise<void> {
    const { settings, time } = this.deps;
    const billedMs = outcome.kind === 'killed' ? settings.timeoutSeconds * 1000 : time.now() - started;
    this.stats.gbSeconds += gbSeconds(billedMs, settings.memoryMb);
    if (outcome.kind === 'killed') {
      // The killed container is gone; its records stay in flight until the visibility timeout.
      this.stats.kills++;
      this.stats.inFlightAtKills += outcome.inFlight;
      return;
    }
    this.idle.push(container);
    if (outcome.kind === 'failed') return;
    const retried = new Set(outcome.batchItemFailures);
    const done = messages.filter((m) => !retried.has(m.MessageId!));
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! }));
      await this.deps.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.deps.queueUrl, Entries: entries }));
    }
  }

  /** recursive-loop.ts: the stopped message goes to the DLQ and leaves the send queue. */
  private async stopRecursion(message: Message): Promise<void> {
    this.stats.recursionStops++;
    await this.deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.deps.deadLetterUrl,
        MessageBody: message.Body ?? '',
        ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
      }),
    );
    await this.deps.sqs.send(new DeleteMessageCommand({ QueueUrl: this.deps.queueUrl, ReceiptHandle: message.ReceiptHandle! }));
  }

  /** Waits for an invocation to end, a message to be queued, or the next message to become visible. */
  private nextChange(state: QueueState): Promise<void> {
    return new Promise<void>((resolve) => {
      let cancel = () => {};
      this.wakeUp = () => {
        cancel();
        resolve();
      };
      const free = this.running.size < this.deps.settings.maxConcurrency;
      const waits = [
        ...(free && state.nextVisibleAt !== undefined ? [state.nextVisibleAt - this.deps.time.now()] : []),
        ...(this.deps.pollMs ? [this.deps.pollMs] : []),
      ];
      if (waits.length > 0) cancel = this.deps.time.timer(Math.min(...waits), this.wake);
    });
  }
}

/** Subscriber ids in a queued message (a fan-out step holds none). */
function idsIn(body: string): number {
  try {
    const ids = (JSON.parse(body) as { subscriberIds?: unknown }).subscriberIds;
    return Array.isArray(ids) ? ids.length : 0;
  } catch {
    return 0;
  }
}
