import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDeliveryLedger, type DeliveryLedgerOptions } from './delivery-ledger.js';
import { DynamoDeliveryLookup } from './delivery-lookup.js';
import { DynamoEditionStore } from './edition-store.js';
import { DynamoSendBudget } from './send-budget-store.js';
import { DynamoKeyPointCache } from './key-point-cache.js';
import type { Clock } from '../../core/clock.js';
import { DynamoFeedbackLog } from './feedback-log.js';
import { DynamoSignUpLimitStore } from './sign-up-limit-store.js';
import { DynamoSubscriberStore } from './subscriber-store.js';
import { DynamoSuppressionStore } from './suppression-store.js';

export type DynamoStores = ReturnType<typeof dynamoStores>;

/**
 * Every store on the newsletter's one table, built the one way the local app, the Lambda context
 * and the operator's `--aws` commands all use. Building them is cheap (no calls are made), so each
 * place takes the whole set and uses what it needs.
 */
export function dynamoStores(
  client: DynamoDBClient,
  tableName: string,
  ledgerOptions: DeliveryLedgerOptions = {},
  clock: Pick<Clock, 'now'> = { now: () => new Date() },
) {
  return {
    subscribers: new DynamoSubscriberStore(client, tableName),
    suppressions: new DynamoSuppressionStore(client, tableName),
    signUpLimits: new DynamoSignUpLimitStore(client, tableName),
    feedback: new DynamoFeedbackLog(client, tableName),
    editions: new DynamoEditionStore(client, tableName),
    ledger: new DynamoDeliveryLedger(client, tableName, ledgerOptions),
    deliveries: new DynamoDeliveryLookup(client, tableName),
    sendBudget: new DynamoSendBudget(client, tableName),
    keyPointCache: new DynamoKeyPointCache(client, tableName, clock),
  };
}
