import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/clock.js';
import type { CachedKeyPoints, KeyPointCache } from '../../ports/key-point-cache.js';
import { keys } from './table.js';

/** How long an answer is kept: an article is rarely built into an edition months later. */
const KEEP_DAYS = 90;

/**
 * The key-point cache as items of the newsletter's table (`KPCACHE#<key>`), expiring after 90 days.
 *
 * @example
 * const cache = new DynamoKeyPointCache(new DynamoDBClient({}), 'newsletter', systemClock);
 */
export class DynamoKeyPointCache implements KeyPointCache {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(key: string): Promise<CachedKeyPoints | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.keyPointCache(key) }));
    if (!Item || !Array.isArray(Item.keyPoints)) return undefined;
    return { keyPoints: Item.keyPoints as string[], dropped: Number(Item.dropped ?? 0), ...(typeof Item.title === 'string' ? { title: Item.title } : {}) };
  }

  async put(key: string, answer: CachedKeyPoints): Promise<void> {
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + KEEP_DAYS * 86_400;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.keyPointCache(key), ...answer, expiresAt } }));
  }
}
