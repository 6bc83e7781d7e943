import { BatchWriteItemCommand, ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.js';
import { redactAddresses } from '../../core/subscriber.js';
import type { ClaimRequest, DeliveryEntry, DeliveryLedger, GroupClaim } from '../../ports/delivery-ledger.js';
import { countEndedDeliveries, readDeliveries } from './delivery-lookup.js';
import { conditionalWrite, documentClient } from './document.js';
import { keys } from './table.js';

/** Ledger entries expire after 400 days: long enough for any report, short enough to not grow forever. */
const LEDGER_TTL_SECONDS = 400 * 24 * 3600;

export interface DeliveryLedgerOptions {
  /**
   * Whether the owner of a live claim is known to be gone (a local process that crashed), so its
   * claim can be taken over at once instead of after the lease. Return undefined when unknown.
   */
  ownerGone?: (owner: string) => boolean | undefined;
}

/**
 * The delivery ledger in DynamoDB: one record per delivery (sent or failed, in the edition's 16
 * partitions) and one lock per delivery group (in a partition of its own). A group lock is taken
 * when it is new or released, or held by a sender whose lease ran out (or that is known to be
 * gone); a live lock of another sender is left alone. A crash between SES accepting a message and
 * the mark-sent write leaves a lock that a later run takes over, and it sends again to whoever has
 * no record: the product errs towards delivering, accepting at most the in-flight messages twice,
 * rather than leaving a reader without the edition.
 */
export class DynamoDeliveryLedger implements DeliveryLedger {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: DeliveryLedgerOptions = {},
  ) {
    this.doc = documentClient(client);
  }

  async claimGroup(editionId: string, group: string, request: ClaimRequest): Promise<GroupClaim> {
    const key = keys.deliveryGroup(editionId, group);
    // Most groups are locked for the first time: a put conditional on nothing being there is the
    // cheapest conditional write (no update expression, a one-term condition, no marshalling layer).
    const fresh = await this.tryClaimNew(key, request);
    if (fresh === true) return 'first';
    const free = '#status = :released OR (#status = :claimed AND (leaseUntil < :at OR #owner = :owner))';
    const first = await this.tryClaim(key, request, free, {});
    if (first === true) return 'claimed';
    // The refused condition already says what is there; read it only from a server that does not return it.
    const Item = first ?? fresh ?? (await this.read(key));
    const owner = typeof Item?.owner === 'string' ? Item.owner : '';
    if (Item?.status === 'claimed' && owner && this.options.ownerGone?.(owner) === true) {
      // Take over only the lock we looked at: if its owner or lease changed meanwhile, someone else is on it.
      const taken = await this.tryClaim(key, request, '#status = :claimed AND #owner = :oldOwner AND leaseUntil = :oldLease', {
        ':oldOwner': owner,
        ':oldLease': Item.leaseUntil,
      });
      if (taken === true) return 'claimed';
    }
    return 'in-progress';
  }

  async renewGroup(editionId: string, group: string, request: ClaimRequest): Promise<boolean> {
    return conditionalWrite(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.deliveryGroup(editionId, group),
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: '#status = :claimed AND #owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':owner': request.owner, ':lease': request.leaseUntil },
        }),
      ),
    );
  }

  async releaseGroup(editionId: string, group: string, owner: string): Promise<void> {
    // Kept as released, not deleted: a lock that never existed tells the next sender nobody sent to the group.
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.deliveryGroup(editionId, group),
          UpdateExpression: 'SET #status = :released REMOVE #owner, leaseUntil',
          ConditionExpression: '#status = :claimed AND #owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':released': 'released', ':owner': owner },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async entries(editionId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryEntry>> {
    const entries = new Map<string, DeliveryEntry>();
    for (const item of await readDeliveries(this.doc, this.tableName, editionId, subscriberIds, ['status', 'owner', 'leaseUntil'])) {
      entries.set(String(item.sk), {
        status: item.status as DeliveryEntry['status'],
        ...(typeof item.owner === 'string' ? { owner: item.owner } : {}),
        ...(typeof item.leaseUntil === 'string' ? { leaseUntil: item.leaseUntil } : {}),
      });
    }
    return entries;
  }

  private async read(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  /** True when claimed; otherwise the item already there, when the server returns it. */
  private async tryClaimNew(key: { pk: string; sk: string }, request: ClaimRequest): Promise<true | Record<string, unknown> | undefined> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: key.pk },
            sk: { S: key.sk },
            status: { S: 'claimed' },
            claimedAt: { S: request.at },
            owner: { S: request.owner },
            leaseUntil: { S: request.leaseUntil },
            expiresAt: { N: String(ttlFrom(request.at)) },
            attempts: { N: '1' },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item ? unmarshall(error.Item) : undefined;
      throw error;
    }
  }

  /** True when claimed; otherwise the item that failed the condition, when the server returns it. */
  private async tryClaim(
    key: { pk: string; sk: string },
    request: ClaimRequest,
    condition: string,
    extra: Record<string, unknown>,
  ): Promise<true | Record<string, unknown> | undefined> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #status = :claimed, claimedAt = :at, #owner = :owner, leaseUntil = :lease, expiresAt = if_not_exists(expiresAt, :ttl) ADD attempts :one',
          ConditionExpression: condition,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':claimed': 'claimed',
            ':at': request.at,
            ':owner': request.owner,
            ':lease': request.leaseUntil,
            ':one': 1,
            ':ttl': ttlFrom(request.at),
            ...(condition.includes(':released') ? { ':released': 'released' } : {}),
            ...extra,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return error.Item ? unmarshall(error.Item) : undefined;
      throw error;
    }
  }

  async markSentMany(editionId: string, sent: readonly { subscriberId: string; messageId: string }[], at: string): Promise<void> {
    // BatchWriteItem takes 25 puts and no conditions: each item is a delivery of a group this sender
    // holds that SES accepted, so writing it whole as sent is true whoever looks next. Written with the
    // plain client (no marshalling layer) and only what a sent record needs: at hundreds of messages a
    // second, every attribute is work for the sender and the table.
    const expiresAt = { N: String(ttlFrom(at)) };
    const sentAt = { S: at };
    for (let i = 0; i < sent.length; i += 25) {
      let items: WriteRequest[] = sent.slice(i, i + 25).map((entry) => {
        const key = keys.delivery(editionId, entry.subscriberId);
        return { PutRequest: { Item: { pk: { S: key.pk }, sk: { S: key.sk }, status: { S: 'sent' }, sentAt, messageId: { S: entry.messageId }, expiresAt } } };
      });
      for (let attempt = 0; items.length > 0; attempt++) {
        if (attempt > 8)
          throw new StoreError(
            `could not record ${items.length} sent deliveries of edition ${editionId}: DynamoDB kept them unprocessed; a later run may resend them`,
          );
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const answer = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: items } }));
        items = answer.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  async markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(editionId, subscriberId),
          UpdateExpression: 'SET #status = :failed, failedAt = :at, failureReason = :reason REMOVE leaseUntil',
          ConditionExpression: 'attribute_not_exists(#status) OR #status <> :sent',
          ExpressionAttributeNames: { '#status': 'status' },
          // Kept for 400 days and shown in reports: never with an address in it.
          ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':at': at, ':reason': redactAddresses(reason).slice(0, 500) },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  async markSkipped(editionId: string, subscriberIds: readonly string[], at: string): Promise<void> {
    const expiresAt = ttlFrom(at);
    for (let i = 0; i < subscriberIds.length; i += SKIP_WRITES_AT_ONCE) {
      await Promise.all(
        subscriberIds.slice(i, i + SKIP_WRITES_AT_ONCE).map((subscriberId) =>
          conditionalWrite(
            this.doc.send(
              new PutCommand({
                TableName: this.tableName,
                Item: { ...keys.delivery(editionId, subscriberId), status: 'skipped', skippedAt: at, expiresAt },
                // Never over a record that says more (sent, failed, a live claim of the welcome copy).
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          ),
        ),
      );
    }
  }

  countEnded(editionId: string): Promise<number> {
    return countEndedDeliveries(this.doc, this.tableName, editionId);
  }
}

/** Conditional puts of skipped records running at once: suppressed readers are few, but a list cleaned hard may have many. */
const SKIP_WRITES_AT_ONCE = 10;

function ttlFrom(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + LEDGER_TTL_SECONDS;
}
