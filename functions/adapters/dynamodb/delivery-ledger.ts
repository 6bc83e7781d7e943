import { BatchWriteItemCommand, ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.js';
import { redactAddresses } from '../../core/subscriber.js';
import type { ClaimRequest, ClaimResult, DeliveryEntry, DeliveryLedger, GroupClaim } from '../../ports/delivery-ledger.js';
import { readDeliveries } from './delivery-lookup.js';
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
 * The delivery ledger in DynamoDB. A claim succeeds when the delivery is new, failed earlier, or
 * claimed by a sender whose lease ran out (or that is known to be gone). A crash between SES
 * accepting a message and the mark-sent write leaves a claim that a later run takes over: the
 * product errs towards delivering, accepting at most the in-flight messages twice, rather than
 * leaving a reader without the edition. A live claim of another sender is left alone.
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
    // A group lock is never marked sent: it is held, given back (released), or left to run out.
    const result = await this.claimItem(keys.deliveryGroup(editionId, group), request);
    return result === 'claimed-new' ? 'first' : result === 'claimed' ? 'claimed' : 'in-progress';
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

  async claim(editionId: string, subscriberId: string, request: ClaimRequest): Promise<ClaimResult> {
    const result = await this.claimItem(keys.delivery(editionId, subscriberId), request);
    return result === 'claimed-new' ? 'claimed' : result;
  }

  /** `claimed-new`: the item did not exist before this claim. */
  private async claimItem(key: { pk: string; sk: string }, request: ClaimRequest): Promise<ClaimResult | 'claimed-new'> {
    // Most claims are of deliveries never tried: a put conditional on nothing being there is the
    // cheapest conditional write (no update expression, a one-term condition, no marshalling
    // layer), and exactly as exclusive. Only a delivery already on record takes the full claim.
    const fresh = await this.tryClaimNew(key, request);
    if (fresh === true) return 'claimed-new';
    // A resumed send meets mostly deliveries already sent: those need no second write.
    const existing = fresh ?? (await this.read(key));
    if (existing?.status === 'sent') return 'already-sent';
    const free = 'attribute_not_exists(#status) OR #status = :failed OR #status = :released OR (#status = :claimed AND (leaseUntil < :at OR #owner = :owner))';
    const first = await this.tryClaim(key, request, free, {});
    if (first === true) return 'claimed';
    // The refused condition already says what is there; read it only from a server that does not return it.
    const Item = first ?? (await this.read(key));
    if (!Item || Item.status === 'sent') return Item ? 'already-sent' : 'in-progress';
    const owner = typeof Item.owner === 'string' ? Item.owner : '';
    if (Item.status === 'claimed' && owner && this.options.ownerGone?.(owner) === true) {
      // Take over only the claim we looked at: if its owner or lease changed meanwhile, someone else is on it.
      const taken = await this.tryClaim(key, request, '#status = :claimed AND #owner = :oldOwner AND leaseUntil = :oldLease', {
        ':oldOwner': owner,
        ':oldLease': Item.leaseUntil,
      });
      if (taken === true) return 'claimed';
    }
    return 'in-progress';
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
          UpdateExpression: 'SET #status = :claimed, claimedAt = :at, #owner = :owner, leaseUntil = :lease, expiresAt = if_not_exists(expiresAt, :ttl) ADD attempts :one',
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
            ...(condition.includes(':failed') ? { ':failed': 'failed' } : {}),
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

  async markSent(editionId: string, subscriberId: string, messageId: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(editionId, subscriberId),
        UpdateExpression: 'SET #status = :sent, sentAt = :at, messageId = :mid REMOVE failureReason, leaseUntil',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': at, ':mid': messageId },
      }),
    );
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
        if (attempt > 8) throw new StoreError(`could not record ${items.length} sent deliveries of edition ${editionId}: DynamoDB kept them unprocessed; a later run may resend them`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const answer = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: items } }));
        items = answer.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  async markFailed(editionId: string, subscriberId: string, reason: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(editionId, subscriberId),
        UpdateExpression: 'SET #status = :failed, failedAt = :at, failureReason = :reason REMOVE leaseUntil',
        ConditionExpression: 'attribute_not_exists(#status) OR #status <> :sent',
        ExpressionAttributeNames: { '#status': 'status' },
        // Kept for 400 days and shown in reports: never with an address in it.
        ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':at': at, ':reason': redactAddresses(reason).slice(0, 500) },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}

function ttlFrom(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + LEDGER_TTL_SECONDS;
}
