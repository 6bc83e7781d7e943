import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EditionModel, RenderedEdition } from '../../core/edition.js';
import type { DraftEdit, EditionCounts, EditionRecord, EditionStatus, EditionStore } from '../../ports/edition-store.js';
import { conditionalWrite, documentClient, updateExpression } from './document.js';
import { keys } from './table.js';

/** Editions, their rendered copies, and the sent-article record in DynamoDB. */
export class DynamoEditionStore implements EditionStore {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async create(edition: EditionRecord, rendered: RenderedEdition, model?: EditionModel): Promise<boolean> {
    // The render is written first and the record second, so a sender that finds the record always
    // finds the render too. (Not one transaction: dynalite, the local DynamoDB, has no TransactWriteItems.)
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.rendered(edition.newsletterId, edition.editionId), ...rendered, ...(model ? { model } : {}) },
      }),
    );
    return conditionalWrite(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.edition(edition.newsletterId, edition.editionId), ...edition },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(newsletterId: string, editionId: string): Promise<EditionRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.edition(newsletterId, editionId), ConsistentRead: true }));
    return Item ? strip<EditionRecord>(Item) : undefined;
  }

  async getRendered(newsletterId: string, editionId: string): Promise<RenderedEdition | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.rendered(newsletterId, editionId) }));
    return Item ? { subject: String(Item.subject), html: String(Item.html), text: String(Item.text) } : undefined;
  }

  async getModel(newsletterId: string, editionId: string): Promise<{ model: EditionModel; original: EditionModel } | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.rendered(newsletterId, editionId),
        ProjectionExpression: 'model, originalModel',
        ConsistentRead: true,
      }),
    );
    if (!Item?.model) return undefined;
    return { model: Item.model as EditionModel, original: (Item.originalModel ?? Item.model) as EditionModel };
  }

  async saveDraftEdit(newsletterId: string, editionId: string, edit: DraftEdit): Promise<boolean> {
    // The record first, conditionally: an approval or another editor's save in between wins, and
    // this edit writes nothing. The render follows at once; an approval in that moment would send
    // the render it finds, so the approve page is offered only after the edit has been saved.
    const saved = await conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.edition(newsletterId, editionId),
          UpdateExpression: 'SET #subject = :subject, #articles = :articles, #edits = :edits',
          ConditionExpression: `#status = :draft AND ${edit.editsBefore === 0 ? 'attribute_not_exists(#edits)' : 'size(#edits) = :before'}`,
          ExpressionAttributeNames: { '#status': 'status', '#subject': 'subject', '#articles': 'articles', '#edits': 'edits' },
          ExpressionAttributeValues: {
            ':draft': 'draft',
            ':subject': edit.changes.subject,
            ':articles': edit.changes.articles,
            ':edits': edit.changes.edits ?? [],
            ...(edit.editsBefore === 0 ? {} : { ':before': edit.editsBefore }),
          },
        }),
      ),
    );
    if (!saved) return false;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.rendered(newsletterId, editionId), ...edit.rendered, model: edit.model, originalModel: edit.original },
      }),
    );
    return true;
  }

  async list(newsletterId: string, limit: number): Promise<EditionRecord[]> {
    // Edition ids start with the date, so the sort key orders them; read newest first.
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.editions(newsletterId) },
        ScanIndexForward: false,
        Limit: Math.max(limit, 1) * 2,
        ConsistentRead: true,
      }),
    );
    return (Items ?? [])
      .map((item) => strip<EditionRecord>(item))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  async listPage(newsletterId: string, page: { limit: number; cursor?: string }): Promise<{ editions: EditionRecord[]; cursor?: string }> {
    const { Items, LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.editions(newsletterId) },
        ScanIndexForward: false,
        Limit: Math.max(page.limit, 1),
        ConsistentRead: true,
        ...(page.cursor ? { ExclusiveStartKey: keys.edition(newsletterId, page.cursor) } : {}),
      }),
    );
    const editions = (Items ?? []).map((item) => strip<EditionRecord>(item));
    return LastEvaluatedKey ? { editions, cursor: String(LastEvaluatedKey.sk) } : { editions };
  }

  async update(newsletterId: string, editionId: string, changes: Partial<Omit<EditionRecord, 'newsletterId' | 'editionId'>>): Promise<void> {
    const expression = updateExpression(changes);
    if (!expression) return;
    await this.doc.send(new UpdateCommand({ TableName: this.tableName, Key: keys.edition(newsletterId, editionId), ...expression }));
  }

  async pause(newsletterId: string, editionId: string, reason: string): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.edition(newsletterId, editionId),
          UpdateExpression: 'SET #status = :paused, pausedReason = :reason',
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':paused': 'paused', ':sending': 'sending', ':reason': reason },
        }),
      ),
    );
  }

  async moveStatus(newsletterId: string, editionId: string, from: EditionStatus, to: EditionStatus): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.edition(newsletterId, editionId),
          UpdateExpression: 'SET #status = :to',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':from': from },
        }),
      ),
    );
  }

  async releaseArticles(newsletterId: string, editionId: string, articleKeys: string[]): Promise<void> {
    for (const k of new Set(articleKeys)) {
      try {
        // Only this edition's mark: an article another edition carried stays sent.
        await this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: keys.sentArticle(newsletterId, k),
            ConditionExpression: 'editionId = :edition',
            ExpressionAttributeValues: { ':edition': editionId },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  async addCounts(newsletterId: string, editionId: string, counts: Partial<EditionCounts>): Promise<EditionRecord> {
    const entries = Object.entries(counts).filter(([, n]) => typeof n === 'number' && n !== 0);
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.edition(newsletterId, editionId),
        // Top-level counters: ADD on them is atomic, so parallel senders never lose an increment.
        UpdateExpression: entries.length ? `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}` : 'SET #touch = if_not_exists(#touch, :zero)',
        ExpressionAttributeNames: entries.length ? Object.fromEntries(entries.map(([k], i) => [`#c${i}`, `count_${k}`])) : { '#touch': 'count_sent' },
        ExpressionAttributeValues: entries.length ? Object.fromEntries(entries.map(([, n], i) => [`:c${i}`, n])) : { ':zero': 0 },
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<EditionRecord>({ count_sent: 0, ...(Attributes ?? {}) });
  }

  async sentArticleKeys(newsletterId: string, articleKeys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(articleKeys)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.tableName]: { Keys: unique.slice(i, i + 100).map((k) => keys.sentArticle(newsletterId, k)) },
      };
      // BatchGet may return unprocessed keys under load; ask again for those.
      while (request && Object.keys(request).length > 0) {
        const result = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) found.add(String(item.sk));
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return found;
  }

  async markArticlesSent(newsletterId: string, editionId: string, articleKeys: string[], at: string): Promise<void> {
    const unique = [...new Set(articleKeys)];
    for (let i = 0; i < unique.length; i += 25) {
      let request: Record<string, unknown[]> | undefined = {
        [this.tableName]: unique.slice(i, i + 25).map((k) => ({ PutRequest: { Item: { ...keys.sentArticle(newsletterId, k), editionId, sentAt: at } } })),
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: request as never }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  }
}

const COUNT_NAMES = ['sent', 'alreadySent', 'suppressed', 'failed', 'throttledRetries', 'bounces', 'complaints'] as const;
/** Counted from SES events only where the configuration set publishes them: absent until the first one. */
const EVENT_COUNT_NAMES = ['delivered', 'rejected', 'delayed', 'opens', 'clicks'] as const;

function countsOf(item: Record<string, unknown>): EditionCounts {
  const counts = Object.fromEntries(COUNT_NAMES.map((name) => [name, Number(item[`count_${name}`] ?? 0)])) as unknown as EditionCounts;
  for (const name of EVENT_COUNT_NAMES) if (item[`count_${name}`] !== undefined) counts[name] = Number(item[`count_${name}`]);
  return counts;
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const counters = Object.keys(rest).filter((k) => k.startsWith('count_'));
  if (counters.length === 0) return rest as T;
  const record = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('count_')));
  return { ...record, counts: countsOf(item) } as T;
}
