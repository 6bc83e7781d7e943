import { randomBytes } from 'node:crypto';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { deliveryGroupsFor } from '../../functions/core/delivery/groups.js';
import type { EditionRecord } from '../../functions/core/edition-lifecycle.js';
import { subscriberId, type Subscriber } from '../../functions/core/subscriber.js';
import type { Mailer } from '../../functions/ports/mailer.js';
import { sendContextFor, type SendDependencies } from '../../functions/use-cases/delivery/send-context.js';
import type { TestServers } from './local-servers.js';
import { testNewsletter } from './newsletters.js';

/** Keys the subscriber ids these tests make up; any key gives ids of the right shape. */
const ID_KEY = randomBytes(32);

let places = 0;

/**
 * One edition on its way to a few confirmed readers, in a table of its own on real dynalite, mailed
 * through the local SES server (or `mailer`): what the delivery use-case tests send from.
 *
 * @example
 * const { readers, context } = await deliveryPlace(servers(), ['ann@example.com']);
 * await sendBatch(await context(), readers);
 */
export async function deliveryPlace(servers: TestServers, emails: string[], options: { mailer?: Mailer } = {}) {
  const n = ++places;
  const newsletter = testNewsletter();
  const tableName = `delivery-${n}`;
  await ensureTable(servers.dynamodb, tableName);
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  const readers: Subscriber[] = emails.map((email) => ({
    id: subscriberId(ID_KEY, email),
    newsletterId: newsletter.id,
    email,
    status: 'confirmed',
    createdAt: '2026-11-01T00:00:00Z',
  }));
  for (const reader of readers) await subscribers.put(reader);
  const clock = new VirtualClock(Date.parse('2026-12-01T08:00:00Z'));
  const deps: SendDependencies = {
    owner: `sender-${n}`,
    editions: new DynamoEditionStore(servers.dynamodb, tableName),
    subscribers,
    suppressions: new DynamoSuppressionStore(servers.dynamodb, tableName),
    ledger: new DynamoDeliveryLedger(servers.dynamodb, tableName),
    mailer: options.mailer ?? new SesMailer(servers.ses),
    tokenKey: randomBytes(32),
    clock,
  };
  const edition: EditionRecord = {
    newsletterId: newsletter.id,
    editionId: `${newsletter.id}-2026-12-01-${n}`,
    status: 'sending',
    createdAt: clock.now().toISOString(),
    subject: 'The week in five articles',
    date: '2026-12-01',
    articles: [],
    deliveryGroups: deliveryGroupsFor(readers.length),
  };
  const rendered = { subject: edition.subject, html: '<html><body><p>This week</p></body></html>', text: 'This week' };
  /** A sender's context for the edition at 1,000 messages a second; `owner` makes it another sender's, `budget` sets what is left of the 24-hour quota. */
  const context = (more: { budget?: number; owner?: string } = {}) =>
    sendContextFor(newsletter, more.owner ? { ...deps, owner: more.owner } : deps, edition, rendered, { rate: 1000 }).then((ctx) => ({
      ...ctx,
      ...(more.budget === undefined ? {} : { budget: { remaining: more.budget } }),
    }));
  return { newsletter, tableName, deps, edition, rendered, readers, clock, context };
}
