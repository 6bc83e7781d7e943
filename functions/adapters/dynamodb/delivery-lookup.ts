import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLookup, DeliveryState, FailedDelivery } from '../../ports/delivery-lookup.js';
import { documentClient } from './document.js';
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
    const unique = [...new Set(subscriberIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }> | undefined = {
        [this.tableName]: {
          Keys: unique.slice(i, i + 100).map((id) => keys.delivery(editionId, id)),
          // A resume decides on what the senders wrote last, not on a stale replica.
          ConsistentRead: true,
          ProjectionExpression: 'sk, #status',
          ExpressionAttributeNames: { '#status': 'status' },
        },
      };
      // BatchGet may leave keys unprocessed under load; ask again for those.
      while (request && Object.keys(request).length > 0) {
        const result = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.tableName] ?? []) states.set(String(item.sk), item.status as DeliveryState);
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return states;
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
        const items = (page.Items ?? []).map((item) => ({ subscriberId: String(item.sk), reason: typeof item.failureReason === 'string' ? item.failureReason : 'unknown' }));
        if (items.length > 0) yield items;
      }
    }
  }
}
