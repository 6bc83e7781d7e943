import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimResult, DeliveryLedger } from '../../ports/delivery-ledger.js';
import { documentClient } from './document.js';
import { keys } from './table.js';

/** Ledger entries expire after 400 days: long enough for any report, short enough to not grow forever. */
const LEDGER_TTL_SECONDS = 400 * 24 * 3600;

/**
 * The delivery ledger in DynamoDB. A claim is a conditional write that succeeds unless the delivery
 * is already marked sent. A claimed-but-unsent entry (a crash between claim and send) can be claimed
 * again: the product errs towards delivering, accepting at most the in-flight messages twice, rather
 * than leaving a reader without the edition.
 */
export class DynamoDeliveryLedger implements DeliveryLedger {
  private readonly doc: DynamoDBDocumentClient;
  constructor(client: DynamoDBClient, private readonly tableName: string) {
    this.doc = documentClient(client);
  }

  async claim(editionId: string, subscriberId: string, at: string): Promise<ClaimResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(editionId, subscriberId),
          UpdateExpression: 'SET #status = :claimed, claimedAt = :at, expiresAt = if_not_exists(expiresAt, :ttl) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :sent',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':sent': 'sent', ':at': at, ':one': 1, ':ttl': ttlFrom(at) },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already-sent';
      throw error;
    }
  }

  async markSent(editionId: string, subscriberId: string, messageId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(editionId, subscriberId),
        UpdateExpression: 'SET #status = :sent, sentAt = :at, messageId = :mid REMOVE failureReason',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': at, ':mid': messageId },
      }),
    );
  }

  async markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(editionId, subscriberId),
        UpdateExpression: 'SET #status = :failed, failedAt = :at, failureReason = :reason',
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :sent',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':at': at, ':reason': reason.slice(0, 500) },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}

function ttlFrom(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + LEDGER_TTL_SECONDS;
}
