import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLookup, DeliveryState, FailedDelivery } from '../../ports/delivery-lookup.js';
import { batchGetAll, documentClient } from './document.js';
import { keys } from './table.js';

/**
 * Reads the delivery ledger (see DynamoDeliveryLedger) for the operator's commands. Entries are
 * spread over the edition's shard partitions, so the failed ones are queried partition by partition.
 */
export class DynamoDeliveryLookup implements DeliveryLookup {
  private readonly doc: DynamoDBDocumentClient;
  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = documentClient(client);
  }

  async states(editionId: string, subscriberIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    const states = new Map<string, DeliveryState>();
    for (const item of await readDeliveries(this.doc, this.tableName, editionId, subscriberIds, ['status']))
      states.set(String(item.sk), item.status as DeliveryState);
    return states;
  }

  countEnded(editionId: string): Promise<number> {
    return countEndedDeliveries(this.doc, this.tableName, editionId);
  }

  async *failed(editionId: string): AsyncIterable<FailedDelivery[]> {
    for (const pk of keys.deliveryPartitions(editionId)) {
      const pages = paginateQuery(
        { client: this.doc },
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#status = :failed',
          ProjectionExpression: 'sk, failureReason',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': pk, ':failed': 'failed' },
        },
      );
      for await (const page of pages) {
        const items = (page.Items ?? []).map((item) => ({
          subscriberId: String(item.sk),
          reason: typeof item.failureReason === 'string' ? item.failureReason : 'unknown',
        }));
        if (items.length > 0) yield items;
      }
    }
  }
}

/**
 * Reads these readers' delivery records of an edition (the named attributes and `sk`), consistently:
 * a resume or a sender decides on what the senders wrote last.
 */
export async function readDeliveries(
  doc: DynamoDBDocumentClient,
  tableName: string,
  editionId: string,
  subscriberIds: readonly string[],
  attributes: readonly string[],
): Promise<Record<string, unknown>[]> {
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  return batchGetAll(
    doc,
    tableName,
    [...new Set(subscriberIds)].map((id) => keys.delivery(editionId, id)),
    {
      projection: ['sk', ...Object.keys(names)].join(', '),
      names,
      consistent: true,
      what: 'deliveries',
    },
  );
}

/**
 * Counts the edition's delivery records that are an ending (sent, failed, skipped) over its
 * partitions: one record per reader, so a batch SQS delivered twice is never counted twice. A
 * COUNT query reads the records but sends none back: about one read unit per 4 KB scanned.
 */
export async function countEndedDeliveries(doc: DynamoDBDocumentClient, tableName: string, editionId: string): Promise<number> {
  let ended = 0;
  for (const pk of keys.deliveryPartitions(editionId)) {
    const pages = paginateQuery(
      { client: doc },
      {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#status IN (:sent, :failed, :skipped)',
        Select: 'COUNT',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': pk, ':sent': 'sent', ':failed': 'failed', ':skipped': 'skipped' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) ended += page.Count ?? 0;
  }
  return ended;
}
