import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BUDGET_BUCKET_MS, BUDGET_WINDOW_BUCKETS, budgetBucket, grantable, oldestCountedBucket, roomFreesAt } from '../../core/send-budget.js';
import { StoreError } from '../../core/errors.js';
import type { BudgetReservation, SendBudget } from '../../ports/send-budget.js';
import { conditionalWrite, documentClient } from './document.js';
import { keys } from './table.js';

/** Attempts at a reservation when other senders keep changing the current bucket under it. */
const RESERVE_ATTEMPTS = 12;

/**
 * The shared 24-hour tally in DynamoDB: one item per quarter-hour bucket holding the sends reserved
 * in it. A reservation reads the counted buckets (one Query, about a hundred small items) and adds
 * to the current one on condition that it still holds what was read, so two senders reserving at
 * once cannot both take the last units. Buckets expire by TTL a day after they stop counting.
 */
export class DynamoSendBudget implements SendBudget {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async reserve(wanted: number, limit: number, now: Date, cap = wanted): Promise<BudgetReservation> {
    const bucket = budgetBucket(now);
    for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
      const held = await this.readWindow(now);
      const current = held.get(bucket) ?? 0;
      const reserved = [...held.values()].reduce((sum, n) => sum + n, 0);
      const granted = Math.min(cap, grantable(wanted, limit, reserved));
      // Short of what was wanted: say when the window next makes room, so the batch can sleep until then.
      const short = (held: Map<number, number>) => {
        const roomAt = granted < wanted ? roomFreesAt(held, limit) : undefined;
        return roomAt ? { roomAt } : {};
      };
      if (granted === 0) return { granted: 0, bucket, ...short(held) };
      const landed = await conditionalWrite(
        this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: keys.sendBudget(bucket),
            UpdateExpression: 'SET expiresAt = :ttl ADD reserved :granted',
            ConditionExpression: current === 0 ? 'attribute_not_exists(reserved) OR reserved = :zero' : 'reserved = :current',
            ExpressionAttributeValues: {
              ':granted': granted,
              ':ttl': Math.floor(((bucket + 2 * BUDGET_WINDOW_BUCKETS) * BUDGET_BUCKET_MS) / 1000),
              ...(current === 0 ? { ':zero': 0 } : { ':current': current }),
            },
          }),
        ),
      );
      if (landed) return { granted, bucket, ...short(new Map(held).set(bucket, current + granted)) };
      // Another sender reserved first: step aside a random moment so the next read sees a settled tally.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * (attempt + 1)));
    }
    throw new StoreError(
      `could not reserve sends from the shared 24-hour quota in table ${this.tableName}: too many senders changed it at once; the batch goes back on the queue`,
    );
  }

  async giveBack(reservation: BudgetReservation, unused: number): Promise<void> {
    if (unused <= 0) return;
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.sendBudget(reservation.bucket),
          UpdateExpression: 'ADD reserved :back',
          ConditionExpression: 'reserved >= :unused',
          ExpressionAttributeValues: { ':back': -unused, ':unused': unused },
        }),
      )
      .catch(() => {
        // Never below zero: a reservation given back twice (a retried batch) only leaves the tally high, which errs towards waiting.
      });
  }

  private async readWindow(now: Date): Promise<Map<number, number>> {
    const held = new Map<number, number>();
    const range = keys.sendBudgetRange(oldestCountedBucket(now), budgetBucket(now));
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': range.pk, ':from': range.from, ':to': range.to },
          ProjectionExpression: 'sk, reserved',
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) held.set(Number(item.sk), Number(item.reserved ?? 0));
      start = page.LastEvaluatedKey;
    } while (start);
    return held;
  }
}
