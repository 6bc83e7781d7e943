import { ConditionalCheckFailedException, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { StoreError } from '../../core/errors.js';
import { redactAddresses } from '../../core/subscriber.js';
import type { ClaimRequest, ClaimResult, DeliveryLedger } from '../../ports/delivery-ledger.js';
import { documentClient } from './document.js';
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

  async claim(editionId: string, subscriberId: string, request: ClaimRequest): Promise<ClaimResult> {
    // Most claims are of deliveries never tried: a put conditional on nothing being there is the
    // cheapest conditional write (no update expression, a one-term condition, no marshalling
    // layer), and exactly as exclusive. Only a delivery already on record takes the full claim.
    const fresh = await this.tryClaimNew(editionId, subscriberId, request);
    if (fresh === true) return 'claimed';
    // A resumed send meets mostly deliveries already sent: those need no second write.
    const existing = fresh ?? (await this.read(editionId, subscriberId));
    if (existing?.status === 'sent') return 'already-sent';
    const free = 'attribute_not_exists(#status) OR #status = :failed OR (#status = :claimed AND (leaseUntil < :at OR #owner = :owner))';
    const first = await this.tryClaim(editionId, subscriberId, request, free, {});
    if (first === true) return 'claimed';
    // The refused condition already says what is there; read it only from a server that does not return it.
    const Item = first ?? (await this.read(editionId, subscriberId));
    if (!Item || Item.status === 'sent') return Item ? 'already-sent' : 'in-progress';
    const owner = typeof Item.owner === 'string' ? Item.owner : '';
    if (Item.status === 'claimed' && owner && this.options.ownerGone?.(owner) === true) {
      // Take over only the claim we looked at: if its owner or lease changed meanwhile, someone else is on it.
      const taken = await this.tryClaim(editionId, subscriberId, request, '#status = :claimed AND #owner = :oldOwner AND leaseUntil = :oldLease', {
        ':oldOwner': owner,
        ':oldLease': Item.leaseUntil,
      });
      if (taken === true) return 'claimed';
    }
    return 'in-progress';
  }

  private async read(editionId: string, subscriberId: string): Promise<Record<string, unknown> | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.delivery(editionId, subscriberId), ConsistentRead: true }))).Item;
  }

  /** True when claimed; otherwise the item already there, when the server returns it. */
  private async tryClaimNew(editionId: string, subscriberId: string, request: ClaimRequest): Promise<true | Record<string, unknown> | undefined> {
    const key = keys.delivery(editionId, subscriberId);
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
    editionId: string,
    subscriberId: string,
    request: ClaimRequest,
    condition: string,
    extra: Record<string, unknown>,
  ): Promise<true | Record<string, unknown> | undefined> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(editionId, subscriberId),
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

  async markSentMany(editionId: string, sent: readonly { subscriberId: string; messageId: string }[], owner: string, at: string): Promise<void> {
    // BatchWriteItem takes 25 puts and no conditions: each item is a claim of ours that SES accepted,
    // so writing it whole as sent is true whoever holds the claim now.
    for (let i = 0; i < sent.length; i += 25) {
      let items: Record<string, unknown>[] = sent.slice(i, i + 25).map((entry) => ({
        PutRequest: {
          Item: { ...keys.delivery(editionId, entry.subscriberId), status: 'sent', sentAt: at, messageId: entry.messageId, owner, expiresAt: ttlFrom(at) },
        },
      }));
      for (let attempt = 0; items.length > 0; attempt++) {
        if (attempt > 8) throw new StoreError(`could not record ${items.length} sent deliveries of edition ${editionId}: DynamoDB kept them unprocessed; a later run may resend them`);
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
        const answer: BatchWriteCommandOutput = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: items as never } }));
        items = (answer.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  async release(editionId: string, subscriberId: string, owner: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.delivery(editionId, subscriberId),
          // Only our own claim, and never a delivery marked sent.
          ConditionExpression: '#status = :claimed AND #owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':owner': owner },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
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
