import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Subscriber } from '../../core/subscriber.js';
import { StoreError } from '../../core/errors.js';
import type { SubscriberPage, SubscriberStore } from '../../ports/subscriber-store.js';
import { batchGetAll, conditionalWrite, documentClient, updateExpression } from './document.js';
import { keys } from './table.js';

/** Subscribers in DynamoDB: one item per (newsletter, subscriber id), queried page by page. */
export class DynamoSubscriberStore implements SubscriberStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async get(newsletterId: string, id: string): Promise<Subscriber | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.subscriber(newsletterId, id), ConsistentRead: true }));
    return Item ? toSubscriber(Item) : undefined;
  }

  async getMany(newsletterId: string, ids: string[]): Promise<Subscriber[]> {
    const items = await batchGetAll(
      this.doc,
      this.tableName,
      [...new Set(ids)].map((id) => keys.subscriber(newsletterId, id)),
      { consistent: true, what: 'subscriber records' },
    );
    return items.map(toSubscriber);
  }

  async put(subscriber: Subscriber): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.subscriber(subscriber.newsletterId, subscriber.id), ...subscriber } }));
  }

  async putIfAbsent(subscriber: Subscriber): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.subscriber(subscriber.newsletterId, subscriber.id), ...subscriber },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async update(newsletterId: string, id: string, changes: Partial<Omit<Subscriber, 'id' | 'newsletterId'>>): Promise<void> {
    const expression = updateExpression(changes);
    if (!expression) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.subscriber(newsletterId, id),
        ...expression,
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async updateUnlessUnsubscribed(newsletterId: string, id: string, changes: Partial<Omit<Subscriber, 'id' | 'newsletterId'>>): Promise<boolean> {
    const expression = updateExpression(changes);
    if (!expression) return true;
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(newsletterId, id),
          ...expression,
          ConditionExpression: 'attribute_exists(pk) AND #leftStatus <> :unsubscribed',
          ExpressionAttributeNames: { ...expression.ExpressionAttributeNames, '#leftStatus': 'status' },
          ExpressionAttributeValues: { ...expression.ExpressionAttributeValues, ':unsubscribed': 'unsubscribed' },
        }),
      ),
    );
  }

  async claimConfirmationSend(newsletterId: string, id: string, at: string, cutoff: string): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.subscriber(newsletterId, id),
          UpdateExpression: 'SET confirmationSentAt = :at',
          // ISO timestamps in UTC compare correctly as strings.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(confirmationSentAt) OR confirmationSentAt <= :cutoff)',
          ExpressionAttributeValues: { ':at': at, ':cutoff': cutoff },
        }),
      ),
    );
  }

  async delete(newsletterId: string, id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.subscriber(newsletterId, id) }));
  }

  async count(newsletterId: string, status: Subscriber['status']): Promise<number> {
    let total = 0;
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': keys.subscribers(newsletterId), ':status': status },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) total += page.Count ?? 0;
    return total;
  }

  async list(newsletterId: string, options: { status?: Subscriber['status']; limit: number; cursor?: string }): Promise<SubscriberPage> {
    const subscribers: Subscriber[] = [];
    let startKey: Record<string, unknown> | undefined = options.cursor ? decodeCursor(options.cursor) : undefined;
    // A filter can leave a page short; keep reading until the page is full or the list ends.
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.subscribers(newsletterId), ...(options.status ? { ':status': options.status } : {}) },
          ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          Limit: options.limit - subscribers.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) subscribers.push(toSubscriber(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && subscribers.length < options.limit);
    return { subscribers, ...(startKey ? { cursor: encodeCursor(startKey) } : {}) };
  }
}

function toSubscriber(item: Record<string, unknown>): Subscriber {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as Subscriber;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new StoreError(`subscriber page cursor "${cursor.slice(0, 20)}" is not valid: start again without a cursor`, { cause: error });
  }
}
