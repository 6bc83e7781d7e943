import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { acceptedBatch } from '../support/aws-json-server.js';
import type { TestServers } from '../support/local-servers.js';
import { STACK_TOKEN, startLoopbackStack, type LoopbackStack } from '../support/loopback-stack.js';
import { newsletterInput } from '../support/newsletters.js';

/**
 * The approve link on AWS, run locally: the digest handler drafts an edition (approval "manual") and
 * mails the review copy; the subscription function's Lambda handler takes the POST from its approve
 * link and hands the fan-out to the senders (one message on a loopback SQS); the sender handler
 * queues the readers, then sends them.
 */
const ID_KEY = Buffer.from(STACK_TOKEN);
const config = { newsletters: [newsletterInput({ id: 'reviewed-weekly', title: 'Reviewed Weekly', approval: 'manual', operators: ['editor@example.com'] })] };

let stack: LoopbackStack;
let servers: TestServers;
let work: string;
const queue: string[] = [];
let failSends = false;

beforeAll(async () => {
  stack = await startLoopbackStack({
    name: 'approval',
    config,
    onSendBatch: (entries) => {
      // A sender fault is not retried: the queue refuses at once.
      if (failSends) return { Successful: [], Failed: entries.map((e) => ({ Id: e.Id, SenderFault: true, Code: 'AccessDenied', Message: 'not allowed' })) };
      queue.push(...entries.map((e) => e.MessageBody));
      return acceptedBatch(entries);
    },
  });
  servers = stack.servers;
  work = stack.work;
});

afterAll(async () => {
  vi.resetModules();
  await stack?.close();
});

// Each test drafts on a table of its own, with its own readers, so no edition or reader of another
// test is in its way; the handlers are fresh modules, as a new Lambda container reads TABLE_NAME.
let tableName = '';
let stackTable: string | undefined;
beforeEach(async () => {
  tableName = `approval-${randomUUID()}`;
  await ensureTable(servers.dynamodb, tableName);
  stackTable = process.env.TABLE_NAME;
  process.env.TABLE_NAME = tableName;
  vi.resetModules();
  queue.length = 0;
  failSends = false;
});
afterEach(() => {
  if (stackTable === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = stackTable;
  vi.resetModules();
});

async function addReaders(count: number): Promise<void> {
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  const emails = Array.from({ length: count }, (_, i) => `reader${i}@example.com`);
  for (const email of emails)
    await subscribers.put({ id: subscriberId(ID_KEY, email), newsletterId: 'reviewed-weekly', email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
}

function post(link: string): HttpApiEvent {
  const url = new URL(link);
  return {
    version: '2.0',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: { host: 'news.example.com' },
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: url.pathname, sourceIp: '192.0.2.1' } },
  };
}

/** Drafts an edition of the given article and returns the approve link from the review copy. */
async function draftWithArticle(file: string, text: string): Promise<string> {
  await mkdir(path.join(work, 'articles'), { recursive: true });
  await writeFile(path.join(work, 'articles', file), text);
  const before = servers.embedded.ses!.messages.length;
  const digest = await import('../../functions/handlers/digest.js');
  expect(await digest.handler({ newsletterId: 'reviewed-weekly' })).toMatchObject({ status: 'draft' });
  const mails = await Promise.all(servers.embedded.ses!.messages.slice(before).map((m) => simpleParser(m.raw)));
  expect(mails).toHaveLength(1);
  const link = /https:\/\/news\.example\.com\/approve\?edition=[^&\s]+&token=[^\s>"]+/.exec(mails[0]!.text ?? '')?.[0];
  expect(link).toBeDefined();
  return link!;
}

describe('the approve link on AWS', () => {
  it('queues the approved edition for the senders at once, who send it once to each reader; a second click queues nothing', async () => {
    await addReaders(70);
    const link = await draftWithArticle(
      'chips.md',
      '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
        'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
        'shortage of trained engineers may slow the plans more than money.\n',
    );
    expect(queue).toHaveLength(0);
    const editionId = new URL(link).searchParams.get('edition')!;

    const api = await import('../../functions/handlers/subscription-api.js');
    const answer = await api.handler(post(link));
    expect(answer.statusCode).toBe(200);
    // Handed to the senders before the answer: one fan-out step on the queue (a long list could not
    // be queued in this function's 10 seconds), no address on it.
    expect(queue.map((body) => JSON.parse(body))).toEqual([{ newsletterId: 'reviewed-weekly', editionId, fanOut: 'start' }]);
    const editions = new DynamoEditionStore(servers.dynamodb, tableName);
    expect(await editions.get('reviewed-weekly', editionId)).toMatchObject({ status: 'sending' });

    // A sender takes the step and queues the 70 readers in batches of whole delivery groups.
    const sender = await import('../../functions/handlers/send-batch.js');
    expect(await sender.handler({ Records: queue.splice(0).map((body, i) => ({ messageId: `f-${i}`, body })) })).toEqual({ batchItemFailures: [] });
    expect(queue.flatMap((body) => (JSON.parse(body) as { subscriberIds: string[] }).subscriberIds)).toHaveLength(70);
    expect(queue.join('')).not.toContain('@');
    expect(await editions.get('reviewed-weekly', editionId)).toMatchObject({ status: 'sending', queued: 70 });

    const before = servers.embedded.ses!.messages.length;
    expect(await sender.handler({ Records: queue.splice(0).map((body, i) => ({ messageId: `r-${i}`, body })) })).toEqual({ batchItemFailures: [] });
    expect(servers.embedded.ses!.messages.length - before).toBe(70);
    expect(await editions.get('reviewed-weekly', editionId)).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 70 }) });

    const twice = await api.handler(post(link));
    expect(twice.statusCode).toBe(409);
    expect(queue).toHaveLength(0);
  });

  it('keeps the approval when the queue refuses: the page says approved and the edition stays sending for the next scheduled run', async () => {
    await addReaders(3);
    const link = await draftWithArticle(
      'robots.md',
      '# Robots learn to fold laundry\n\nA lab in Zurich taught a robot to fold shirts in under a minute. The method ' +
        'uses a small camera and a learned policy. It works on clothes it has never seen.\n',
    );
    const editionId = new URL(link).searchParams.get('edition')!;
    const api = await import('../../functions/handlers/subscription-api.js');
    failSends = true;
    try {
      expect((await api.handler(post(link))).statusCode).toBe(200);
    } finally {
      failSends = false;
    }
    expect(queue).toHaveLength(0);
    expect(await new DynamoEditionStore(servers.dynamodb, tableName).get('reviewed-weekly', editionId)).toMatchObject({ status: 'sending' });
  });
});
