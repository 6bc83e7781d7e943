import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { deliveryGroupOf } from '../../functions/core/delivery/groups.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { acceptedBatch, startAwsJsonServer, type SqsBatchEntry } from '../support/aws-json-server.js';
import { startFakeS3 } from '../support/fake-s3-server.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';
import type { TestServers } from '../support/local-servers.js';
import { STACK_TOKEN, startLoopbackStack, type LoopbackStack } from '../support/loopback-stack.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { newsletterInput } from '../support/newsletters.js';

/** The deployed token key (the secret below), from which subscriber ids are keyed. */
const ID_KEY = Buffer.from(STACK_TOKEN);

/**
 * The AWS fan-out, run locally: the scheduled digest handler queues batches (SQS on a loopback
 * JSON-protocol server), the sender handler drains them through real dynalite and the SES-compatible
 * server, and the feedback handler suppresses a hard bounce so the next edition skips it.
 */
let stack: LoopbackStack;
let servers: TestServers;
let work: string;
const queued: { MessageBody: string }[] = [];
const config = { newsletters: [newsletterInput({ id: 'tech-weekly', title: 'Tech Weekly' })] };

beforeAll(async () => {
  stack = await startLoopbackStack({
    name: 'fanout',
    config,
    onSendBatch: (entries) => {
      queued.push(...entries);
      return acceptedBatch(entries);
    },
  });
  servers = stack.servers;
  work = stack.work;
});

afterAll(async () => stack?.close());

/** One article, alone in a folder of the workspace that a newsletter's folder source names. */
async function writeArticle(folder: string, markdown: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(path.join(work, folder), { recursive: true });
  await writeFile(path.join(work, folder, 'article.md'), markdown);
}

/** `count` confirmed readers `<prefix><i>@example.com` in a table of the test's own; their ids. */
async function addConfirmedReaders(tableName: string, newsletterId: string, prefix: string, count: number): Promise<string[]> {
  const subscribers = new DynamoSubscriberStore(servers.dynamodb, tableName);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${prefix}${i}@example.com`;
    ids.push(subscriberId(ID_KEY, email));
    await subscribers.put({ id: ids[i]!, newsletterId, email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
  }
  return ids;
}

describe('fan-out handlers', () => {
  // One journey: the batches the first edition queued are the ones a malformed batch sits beside,
  // and its last mail is the one that bounces before the second edition.
  it('queues the list in batches of ids, sends each once, counts on the edition, fails only a malformed batch, skips a hard bounce next time', async () => {
    queued.length = 0;
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(path.join(work, 'articles'), { recursive: true });
    await writeFile(
      path.join(work, 'articles', 'chips.md'),
      '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
        'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
        'shortage of trained engineers may slow the plans more than money.\n',
    );
    const subscribers = new DynamoSubscriberStore(servers.dynamodb, servers.tableName);
    for (let i = 0; i < 120; i++) {
      const email = `reader${i}@example.com`;
      await subscribers.put({
        id: subscriberId(ID_KEY, email),
        newsletterId: 'tech-weekly',
        email,
        status: i === 7 ? 'unsubscribed' : 'confirmed',
        createdAt: '2026-11-01T00:00:00Z',
      });
    }

    const digest = await import('../../functions/handlers/digest.js');
    const result = await digest.handler({ newsletterId: 'tech-weekly' });
    expect(result).toMatchObject({ status: 'queued', queued: 119 });
    // Each queued batch holds whole delivery groups, so two senders never wait on each other's lock.
    const batches = queued.map((q) => (JSON.parse(q.MessageBody) as { subscriberIds: string[] }).subscriberIds);
    expect(batches.flat()).toHaveLength(119);
    const groups = (await new DynamoEditionStore(servers.dynamodb, servers.tableName).get('tech-weekly', result.editionId!))?.deliveryGroups;
    expect(groups).toBe(3);
    const batchOfGroup = new Map<string, number>();
    for (const [b, ids] of batches.entries()) {
      for (const id of ids) {
        const group = deliveryGroupOf(id, groups);
        expect(batchOfGroup.get(group) ?? b).toBe(b);
        batchOfGroup.set(group, b);
      }
    }
    expect(batchOfGroup.size).toBe(3);
    for (const entry of queued) expect(entry.MessageBody).not.toContain('@');

    const sender = await import('../../functions/handlers/send-batch.js');
    const before = servers.embedded.ses!.messages.length;
    const records = queued.map((q, i) => ({ messageId: `sqs-${i}`, body: q.MessageBody }));
    expect(await sender.handler({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(servers.embedded.ses!.messages.length - before).toBe(119);
    // A redelivered batch sends nothing twice.
    expect(await sender.handler({ Records: records.slice(0, 1) })).toEqual({ batchItemFailures: [] });
    expect(servers.embedded.ses!.messages.length - before).toBe(119);

    const editions = new DynamoEditionStore(servers.dynamodb, servers.tableName);
    const edition = await editions.get('tech-weekly', result.editionId!);
    expect(edition).toMatchObject({ status: 'sent', queued: 119 });
    expect(edition!.counts).toMatchObject({ sent: 119, alreadySent: batches[0]!.length });
    const mail = await simpleParser(servers.embedded.ses!.messages.at(-1)!.raw);
    expect(mail.subject).toContain('Chip makers race to build new factories');
    expect(mail.text).toContain('https://news.example.com/unsubscribe?token=');

    // A malformed batch fails alone; the good one beside it still goes through.
    const good = queued[0]!.MessageBody;
    const mixed = await sender.handler({
      Records: [
        { messageId: 'bad', body: '{"newsletterId":"tech-weekly"}' },
        { messageId: 'good', body: good },
      ],
    });
    expect(mixed.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);

    // A hard bounce of the last mail suppresses its address: the second edition skips it.
    const feedback = await import('../../functions/handlers/ses-feedback.js');
    const bounced = servers.embedded.ses!.messages.at(-1)!;
    const bouncedMail = await simpleParser(bounced.raw);
    const address = bounced.destinations[0]!;
    await feedback.handler({
      Records: [
        {
          Sns: {
            MessageId: 'n1',
            Message: JSON.stringify({
              eventType: 'Bounce',
              bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: address }] },
              mail: { commonHeaders: { messageId: bouncedMail.messageId } },
            }),
          },
        },
      ],
    });
    await writeFile(
      path.join(work, 'articles', 'second.md'),
      '# A second story about chips\n\nA second story says the factories need 20,000 engineers by 2030. Universities plan new courses to train them.\n',
    );
    queued.length = 0;
    const second = await digest.handler({ newsletterId: 'tech-weekly' });
    const beforeSecond = servers.embedded.ses!.messages.length;
    await sender.handler({ Records: queued.map((q, i) => ({ messageId: `s2-${i}`, body: q.MessageBody })) });
    const sent = servers.embedded.ses!.messages.slice(beforeSecond).map((m) => m.destinations[0]);
    expect(sent).toHaveLength(118);
    expect(sent).not.toContain(address);
    expect((await editions.get('tech-weekly', second.editionId!))!.counts).toMatchObject({ sent: 118, suppressed: 1 });
  }, 60_000);

  it('gives a batch that spent its hop budget to the DLQ (a batch item failure) without sending', async () => {
    const sender = await import('../../functions/handlers/send-batch.js');
    const { SENDER } = await import('../../functions/core/send-topology.js');
    const runaway = {
      newsletterId: 'tech-weekly',
      editionId: 'tech-weekly-2026-01-01-00000000',
      subscriberIds: [subscriberId(ID_KEY, 'reader1@example.com')],
      hops: SENDER.hopBudget,
    };
    const answer = await sender.handler({ Records: [{ messageId: 'runaway', body: JSON.stringify(runaway) }] });
    // Failed receives, not a re-queue: SQS moves it to the DLQ after the redrive limit, where the alarm sees it.
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'runaway' }]);
  });

  it('reports every record of a batch in which all fail, rather than failing the invocation', async () => {
    const sender = await import('../../functions/handlers/send-batch.js');
    const records = [
      { messageId: 'bad-1', body: '{"newsletterId":"tech-weekly"}' },
      { messageId: 'bad-2', body: 'not json' },
    ];
    expect(await sender.handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }, { itemIdentifier: 'bad-2' }] });
  });

  it('reads a folder source from the bucket prefix articles/<newsletter>/ when deployed with a bucket', async () => {
    const s3 = await startFakeS3({
      bucket: 'content-bucket',
      objects: new Map([
        [
          'articles/tech-weekly/from-the-bucket.md',
          '# Ports expand their solar farms\n\nThree ports will cover their roofs with solar panels by 2027. The largest ' +
            'plans 40 megawatts. Shipping lines say cheaper power will cut fees.\n',
        ],
        ['articles/other-letter/not-ours.md', '# Not for this newsletter\n\nThis belongs to another newsletter and must not be read.\n'],
      ]),
    });
    // A table of its own with its own readers, so the editions of the other tests count for nothing here.
    const tableName = 'bucket-table';
    await ensureTable(servers.dynamodb, tableName);
    await addConfirmedReaders(tableName, 'tech-weekly', 'bucket', 3);
    const saved = { ...process.env };
    Object.assign(process.env, { BUCKET_NAME: 'content-bucket', AWS_ENDPOINT_URL_S3: s3.endpoint, TABLE_NAME: tableName });
    try {
      // A fresh module, as a new Lambda container: the environment is read at cold start.
      vi.resetModules();
      const digest = await import('../../functions/handlers/digest.js');
      queued.length = 0;
      const result = await digest.handler({ newsletterId: 'tech-weekly' });
      expect(result).toMatchObject({ status: 'queued', queued: 3 });
      const editions = new DynamoEditionStore(servers.dynamodb, tableName);
      const edition = await editions.get('tech-weekly', result.editionId!);
      expect(edition?.articles.map((a) => a.title)).toEqual(['Ports expand their solar farms']);
      expect(s3.requests.some((r) => r.includes('prefix=articles%2Ftech-weekly%2F'))).toBe(true);
      expect(s3.requests.some((r) => r.includes('other-letter'))).toBe(false);
    } finally {
      process.env = saved;
      // The next test's handlers read the stack's own environment again.
      vi.resetModules();
      await s3.close();
    }
  });
});

describe('send-batch handler when the 24-hour quota runs out', () => {
  it('keeps the batches waiting on the queue (none in the DLQ) and finishes the edition by itself when quota returns', async () => {
    const clock = new VirtualClock();
    // SQS as the sender sees it: delayed messages become visible later; a failed receive comes back
    // after the visibility timeout and moves to the DLQ at the fifth receive, as the stack's redrive policy says.
    const visibility = 300_000;
    const waiting: { body: string; visibleAt: number; receives: number; delaySeconds: number }[] = [];
    const dlq: string[] = [];
    const delays: number[] = [];
    const sentBodies: string[] = [];
    const queue = await startAwsJsonServer({
      'AmazonSQS.SendMessageBatch': (body) => {
        const entries = body.Entries as SqsBatchEntry[];
        for (const e of entries) {
          delays.push(e.DelaySeconds ?? 0);
          sentBodies.push(e.MessageBody);
          waiting.push({ body: e.MessageBody, visibleAt: clock.millis() + (e.DelaySeconds ?? 0) * 1000, receives: 0, delaySeconds: e.DelaySeconds ?? 0 });
        }
        return acceptedBatch(entries);
      },
    });
    const ses = await FaultySesServer.start({ quota: { max24HourSend: 30 } });
    const tableName = 'quota-table';
    await ensureTable(servers.dynamodb, tableName);
    const quotaConfig = { newsletters: [{ ...config.newsletters[0]!, id: 'quota-weekly', sources: [{ type: 'folder', path: 'quota-articles' }] }] };
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: queue.url,
      SEND_QUEUE_URL: `${queue.url}/000000000000/send`,
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      TABLE_NAME: tableName,
      NEWSLETTER_CONFIG: JSON.stringify(quotaConfig),
    });
    try {
      await writeArticle(
        'quota-articles',
        '# Grid operators add batteries\n\nGrid operators will add 12 gigawatts of batteries by 2027. The largest site ' +
          'stores four hours of power. Prices at peak hours fell by a fifth where batteries run.\n',
      );
      await addConfirmedReaders(tableName, 'quota-weekly', 'quota', 80);
      // A new container: the environment is read at cold start.
      vi.resetModules();
      const digest = await import('../../functions/handlers/digest.js');
      const sender = await import('../../functions/handlers/send-batch.js');
      const result = await digest.handler({ newsletterId: 'quota-weekly' });
      expect(result).toMatchObject({ status: 'queued', queued: 80 });

      // Drain the queue in steps of a minute of virtual time; the quota comes back after six hours.
      let quotaBack = false;
      for (let step = 0; step < 24 * 60 && (waiting.length > 0 || !quotaBack); step++) {
        if (!quotaBack && step === 6 * 60) {
          ses.setQuota({ max24HourSend: 10_000 });
          quotaBack = true;
        }
        const due = waiting.filter((m) => m.visibleAt <= clock.millis());
        for (const message of due) waiting.splice(waiting.indexOf(message), 1);
        for (const [i, message] of due.entries()) {
          message.receives++;
          const answer = await sender.handler({ Records: [{ messageId: `r-${step}-${i}`, body: message.body }] });
          if (answer.batchItemFailures.length === 0) continue;
          if (message.receives >= 5) dlq.push(message.body);
          else waiting.push({ ...message, visibleAt: clock.millis() + visibility });
        }
        clock.advance(60_000);
      }

      expect(dlq).toHaveLength(0);
      // Batches waited with a delay (no receive counts spent), chained in hops SQS allows.
      const requeued = delays.filter((d) => d > 0);
      expect(requeued.length).toBeGreaterThan(0);
      expect(requeued.every((d) => d <= 900)).toBe(true);
      // Each re-queue is one hop further: the six-hour wait is a chain longer than Lambda's default
      // stop of 16, which the stack allows on the sender (RecursiveLoop: Allow) and the hop budget bounds.
      const hops = Math.max(0, ...sentBodies.map((b) => (JSON.parse(b) as { hops?: number }).hops ?? 0));
      expect(hops).toBeGreaterThan(16);
      const editions = new DynamoEditionStore(servers.dynamodb, tableName);
      const edition = await editions.get('quota-weekly', result.editionId!);
      expect(edition).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 80 }) });
      const copies = ses.copiesByRecipient();
      expect(copies.size).toBe(80);
      expect([...copies.values()].every((n) => n === 1)).toBe(true);
    } finally {
      process.env = saved;
      vi.resetModules();
      await queue.close();
      await ses.close();
    }
  }, 60_000);

  it('asks for one wake-up schedule at the turn of the 24-hour window, and falls back to quarter-hour re-queues when Scheduler refuses', async () => {
    const clock = new VirtualClock(Date.parse('2026-12-01T08:00:00Z'));
    const delays: number[] = [];
    const queue = await startAwsJsonServer({
      'AmazonSQS.SendMessageBatch': (body) => {
        const entries = body.Entries as SqsBatchEntry[];
        for (const e of entries) delays.push(e.DelaySeconds ?? 0);
        return acceptedBatch(entries);
      },
    });
    // EventBridge Scheduler's CreateSchedule (REST-JSON), refused as a role without the permission would be.
    const asked: { path: string; body: Record<string, unknown> }[] = [];
    const scheduler = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        asked.push({ path: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> });
        res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
        res.end(JSON.stringify({ Message: 'not authorized to perform: scheduler:CreateSchedule' }));
      });
    });
    await new Promise<void>((resolve) => scheduler.listen(0, '127.0.0.1', resolve));
    const ses = await FaultySesServer.start({ quota: { max24HourSend: 30 } });
    const tableName = 'wake-up-table';
    await ensureTable(servers.dynamodb, tableName);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: queue.url,
      AWS_ENDPOINT_URL_SCHEDULER: `http://127.0.0.1:${(scheduler.address() as AddressInfo).port}`,
      SEND_QUEUE_URL: `${queue.url}/000000000000/send`,
      SEND_QUEUE_ARN: 'arn:aws:sqs:us-east-1:000000000000:send',
      SEND_DEAD_LETTER_ARN: 'arn:aws:sqs:us-east-1:000000000000:send-dlq',
      WAKE_UP_GROUP: 'wake-ups',
      WAKE_UP_ROLE_ARN: 'arn:aws:iam::000000000000:role/wake-up',
      AWS_ENDPOINT_URL_SES: ses.endpoint,
      TABLE_NAME: tableName,
      NEWSLETTER_CONFIG: JSON.stringify({ newsletters: [{ ...config.newsletters[0]!, sources: [{ type: 'folder', path: 'wake-articles' }] }] }),
    });
    try {
      await writeArticle(
        'wake-articles',
        '# Ports add shore power\n\nThree ports will plug docked ships into the grid by 2027. ' +
          'A ship at berth burns as much fuel as ten thousand cars. Operators say the cables cost less than the fines.\n',
      );
      const ids = await addConfirmedReaders(tableName, 'tech-weekly', 'wake', 40);
      vi.resetModules();
      const digest = await import('../../functions/handlers/digest.js');
      const result = await digest.handler({ newsletterId: 'tech-weekly' });
      expect(result).toMatchObject({ status: 'queued', queued: 40 });
      const { sendBatchHandler } = await import('../../functions/handlers/send-batch.js');
      const { AwsContext } = await import('../../functions/handlers/aws-context.js');
      const sender = sendBatchHandler(() => new AwsContext(process.env, undefined, clock));
      const message = { newsletterId: 'tech-weekly', editionId: result.editionId!, subscriberIds: ids };
      delays.length = 0;
      expect(await sender({ Records: [{ messageId: 'm-1', body: JSON.stringify(message) }] })).toEqual({ batchItemFailures: [] });

      // 30 sent; the other 10 wait for 08:15 the next day, when the 08:00 quarter hour leaves the window.
      expect(ses.accepted.length).toBe(30);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.path).toMatch(/^\/schedules\/wait-[0-9a-f-]{36}$/);
      expect(asked[0]!.body).toMatchObject({
        GroupName: 'wake-ups',
        // Whole seconds, never before the turn (the wait is counted from the end of the batch's sends).
        ScheduleExpression: expect.stringMatching(/^at\(2026-12-02T08:15:0\d\)$/),
        ScheduleExpressionTimezone: 'UTC',
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: 'arn:aws:sqs:us-east-1:000000000000:send',
          RoleArn: 'arn:aws:iam::000000000000:role/wake-up',
          DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:send-dlq' },
        },
      });
      const input = JSON.parse((asked[0]!.body.Target as { Input: string }).Input) as { subscriberIds: string[]; hops: number };
      expect(input.subscriberIds).toHaveLength(10);
      expect(input.hops).toBe(1);
      // Refused: the 10 go back on the queue after a quarter hour instead; nobody is lost or failed.
      expect(delays).toEqual([900]);
    } finally {
      process.env = saved;
      vi.resetModules();
      await queue.close();
      await ses.close();
      await new Promise((resolve) => scheduler.close(resolve));
    }
  }, 60_000);
});
