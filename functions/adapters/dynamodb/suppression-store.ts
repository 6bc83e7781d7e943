import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Suppression, SuppressionStore } from '../../ports/subscriber-store.js';
import { batchGetAll, documentClient } from './document.js';
import { keys } from './table.js';

/** Suppressions in DynamoDB, keyed by the subscriber id (a hash), never the address. */
export class DynamoSuppressionStore implements SuppressionStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async isSuppressed(subscriberId: string): Promise<boolean> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.suppression(subscriberId) }));
    return Boolean(Item?.suppressedAt);
  }

  async suppressedAmong(subscriberIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.findMany(subscriberIds)).keys());
  }

  async findMany(subscriberIds: readonly string[]): Promise<Map<string, Suppression>> {
    const found = new Map<string, Suppression>();
    const items = await batchGetAll(
      this.doc,
      this.tableName,
      [...new Set(subscriberIds)].map((id) => keys.suppression(id)),
      { projection: 'sk, suppressedAt, reason', what: 'suppressions' },
    );
    for (const item of items) {
      // A soft-bounce counter alone is not a suppression.
      if (item.suppressedAt)
        found.set(String(item.sk), { subscriberId: String(item.sk), reason: String(item.reason ?? 'suppressed'), at: String(item.suppressedAt) });
    }
    return found;
  }

  async lift(subscriberId: string): Promise<boolean> {
    // The soft-bounce count goes too: the operator says the address works again.
    const { Attributes } = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.suppression(subscriberId), ReturnValues: 'ALL_OLD' }));
    return Boolean(Attributes?.suppressedAt);
  }

  async suppress(subscriberId: string, reason: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.suppression(subscriberId),
        UpdateExpression: 'SET suppressedAt = if_not_exists(suppressedAt, :at), reason = if_not_exists(reason, :reason)',
        ExpressionAttributeValues: { ':at': at, ':reason': reason },
      }),
    );
  }

  async recordSoftBounce(subscriberId: string, at: string): Promise<number> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.suppression(subscriberId),
        UpdateExpression: 'ADD softBounces :one SET lastSoftBounceAt = :at',
        ExpressionAttributeValues: { ':one': 1, ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Number(Attributes?.softBounces ?? 1);
  }
}
