import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SignUpLimitStore } from '../../ports/sign-up-limits.js';
import { conditionalWrite, documentClient } from './document.js';
import { keys } from './table.js';

/**
 * Sign-up limit counters in DynamoDB: one item per (hour, counter), counted up by a conditional
 * update and removed by the table's TTL. Counters are keyed pseudonyms, never addresses or IPs.
 */
export class DynamoSignUpLimitStore implements SignUpLimitStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async take(counter: string, window: string, limit: number, expiresAt: number): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.signUpLimit(window, counter),
          UpdateExpression: 'ADD taken :one SET expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(taken) OR taken < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expiresAt': expiresAt },
        }),
      ),
    );
  }
}
