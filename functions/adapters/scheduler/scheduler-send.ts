import { randomUUID } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { ScheduledSend } from '../../ports/scheduled-send.js';
import type { SendQueueMessage } from '../../ports/send-queue.js';

/** Where the one-time schedules go and what they may do (the stack's WAKE_UP_* and queue variables). */
export interface WakeUpTarget {
  /** The schedule group the sender may create schedules in, and nowhere else. */
  groupName: string;
  /** The role EventBridge Scheduler takes to send to the queue (passed, never assumed, by the sender). */
  roleArn: string;
  queueArn: string;
  /** Where Scheduler puts a message it could not send after its retries: the send queue's DLQ, which alarms. */
  deadLetterArn: string;
}

/**
 * A one-time EventBridge Scheduler schedule per wait, which sends the message to the send queue at
 * its time and deletes itself (`ActionAfterCompletion: DELETE`). A message Scheduler sends is not
 * part of the sender's Lambda → SQS → Lambda chain, so the wait adds no hop towards Lambda's
 * recursive-loop stop. https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 * (one-time schedules, `at(yyyy-mm-ddThh:mm:ss)`) and
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 */
export class SchedulerSend implements ScheduledSend {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: WakeUpTarget,
  ) {}

  async sendAt(at: Date, message: SendQueueMessage): Promise<void> {
    // Whole seconds, rounded up: a schedule fires at or after its time, never before the room it waits for.
    const when = new Date(Math.ceil(at.getTime() / 1000) * 1000).toISOString().slice(0, 19);
    await this.client.send(
      new CreateScheduleCommand({
        Name: `wait-${randomUUID()}`,
        GroupName: this.target.groupName,
        Description: `edition ${message.editionId}: back on the send queue when the 24-hour quota has room`,
        ScheduleExpression: `at(${when})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: this.target.queueArn,
          RoleArn: this.target.roleArn,
          Input: JSON.stringify(message),
          DeadLetterConfig: { Arn: this.target.deadLetterArn },
          // Scheduler's own defaults, written out: retries for a day, then the DLQ.
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        },
      }),
    );
  }
}
