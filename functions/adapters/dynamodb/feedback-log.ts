import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FeedbackLog } from '../../ports/subscriber-store.js';
import { conditionalWrite, documentClient } from './document.js';
import { keys } from './table.js';

/** SNS redelivers for hours at most; a month leaves a wide margin before DynamoDB's TTL removes the record. */
export const FEEDBACK_RECORD_DAYS = 30;

/** Handled SES feedback ids in DynamoDB: a conditional put per notification, expiring by TTL. */
export class DynamoFeedbackLog implements FeedbackLog {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async claim(feedbackKey: string, at: string): Promise<boolean> {
    const expiresAt = Math.floor(Date.parse(at) / 1000) + FEEDBACK_RECORD_DAYS * 24 * 3600;
    return conditionalWrite(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.feedback(feedbackKey), handledAt: at, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
