import { randomBytes } from 'node:crypto';
import { mkdtemp, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dynamoStores } from '../../functions/adapters/dynamodb/stores.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { FolderSource } from '../../functions/adapters/sources/folder-source.js';
import { parseConfig, type Config } from '../../functions/core/config.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { tokenKeysFrom } from '../../functions/core/tokens.js';
import type { ParsedMail } from 'mailparser';
import { runDigest, type DigestResult } from '../../functions/use-cases/run-digest.js';
import type { AppServices } from '../../functions/wiring/app-services.js';
import { localDeliveryOptions } from '../../functions/wiring/delivery.js';
import { digestDependencies } from '../../functions/wiring/edition.js';
import { newsletterInput } from './newsletters.js';
import type { TestServers } from './local-servers.js';
import { mailsSince, sentCount } from './subscription-fixtures.js';

let tables = 0;

/**
 * A place to run the newsletter over the test servers, built as the local app builds its own: the
 * stores of `dynamoStores` on a fresh dynalite table, the SES-compatible server as the mailer, an id
 * key and a separate signing key (as after a rotation), a virtual clock.
 */
export async function localPlace(
  servers: TestServers,
  newsletter: Record<string, unknown> = {},
  delivery: Record<string, unknown> = {},
): Promise<AppServices & { idKey: Buffer; clock: VirtualClock }> {
  const tableName = `wiring-${++tables}`;
  await ensureTable(servers.dynamodb, tableName);
  const parsed = parseConfig({ newsletters: [newsletterInput(newsletter)], delivery });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const clock = new VirtualClock(Date.parse('2026-03-02T08:00:00.000Z'));
  const stores = dynamoStores(servers.dynamodb, tableName, {}, clock);
  const idKey = randomBytes(32);
  return {
    config: parsed.config as Config,
    ...stores,
    mailer: new SesMailer(servers.ses),
    tokenKeys: tokenKeysFrom(idKey, JSON.stringify({ signingKey: randomBytes(24).toString('hex') }), 'test'),
    clock,
    idKey,
  };
}

/** Confirmed readers of the place's first newsletter. */
export async function confirmedReaders(place: AppServices & { idKey: Buffer }, emails: string[]): Promise<string[]> {
  const newsletterId = place.config.newsletters[0]!.id;
  const at = place.clock.now().toISOString();
  const ids = emails.map((email) => subscriberId(place.idKey, email));
  for (const [i, email] of emails.entries()) {
    await place.subscribers.put({ id: ids[i]!, newsletterId, email, status: 'confirmed', createdAt: at, confirmedAt: at, consent: { at, source: 'test' } });
  }
  return ids;
}

/** A folder holding the sample article, as the quick start's `articles/`. */
export async function sampleArticles(): Promise<FolderSource> {
  const dir = await mkdtemp(path.join(tmpdir(), 'newsletter-wiring-articles-'));
  await copyFile(path.resolve('articles/ai-talent-article.txt'), path.join(dir, 'ai-talent-article.txt'));
  return new FolderSource(dir);
}

/**
 * A local digest of the place's first newsletter over the sample articles, run through the wiring
 * as `newsletter digest` runs it: its result, the edition's id ('' when none was sent) and the
 * mails the SES server took.
 */
export async function localDigest(
  servers: TestServers,
  place: Awaited<ReturnType<typeof localPlace>>,
): Promise<{ result: DigestResult; editionId: string; mails: ParsedMail[] }> {
  const newsletter = place.config.newsletters[0]!;
  const before = sentCount(servers);
  const result = await runDigest(
    newsletter,
    digestDependencies(place, newsletter, [await sampleArticles()], 'wiring-test'),
    localDeliveryOptions(place.config),
  );
  const editionId = result.status === 'sent' ? result.edition.editionId : '';
  return { result, editionId, mails: await mailsSince(servers, before) };
}
