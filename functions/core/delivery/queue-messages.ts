/** One unit of fan-out work: send an edition to these subscribers. */
export interface SendBatchMessage {
  newsletterId: string;
  editionId: string;
  subscriberIds: string[];
  /** Times this batch (or the batch it was cut from) was put back on the queue by a sender: the loop's own budget. */
  hops?: number;
  /**
   * Times its readers were handed back after SES errors on every attempt (see MAX_HAND_BACKS): past
   * that, a reader SES keeps failing is marked failed, which alarms, instead of going round again.
   */
  handBacks?: number;
}

/** Hand-backs after SES errors a batch gets before its readers are marked failed: a bad minute passes, a broken endpoint does not. */
export const MAX_HAND_BACKS = 3;

/**
 * Where a fan-out too long for one function run stands: the next step queues the readers after
 * `cursor` (none: from the start, after the edition is reopened) and adds to these totals.
 */
export interface FanOutProgress {
  cursor?: string;
  queued: number;
  alreadyHave: number;
  batches: number;
  /** Deliveries the edition had ended when the fan-out began: the edition is done at this plus `queued`. */
  endedBefore: number;
  /** Readers with an ending on record when the fan-out began (the ledger's count). */
  endedOnRecord?: number;
  /** Readers queued so far who had no record at all: with `endedOnRecord`, the readers the ledger counts at the end. */
  newReaders?: number;
}

/**
 * A step of a fan-out on the send queue: a sender queues the next pages of readers, then hands on.
 * `start`: the first step (the edition is checked and reopened, as `editions resume` does).
 */
export interface FanOutMessage {
  newsletterId: string;
  editionId: string;
  fanOut: 'start' | FanOutProgress;
  /** Steps handed on so far (see SendBatchMessage.hops). */
  hops?: number;
}

/**
 * Pages of readers one fan-out step queues before handing on: 20 pages of 500 take a few seconds
 * (a Query, a ledger read and two SQS calls each), far inside a sender's 3-minute timeout.
 */
export const FAN_OUT_STEP_PAGES = 20;

/** What travels on the send queue: readers to send to, or the next step of a fan-out. */
export type SendQueueMessage = SendBatchMessage | FanOutMessage;

export function isFanOut(message: SendQueueMessage): message is FanOutMessage {
  return 'fanOut' in message;
}

/** Subscribers per queued batch: one sender's unit of work. */
export const SEND_BATCH_SIZE = 50;
