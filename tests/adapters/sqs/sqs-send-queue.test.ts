import { createHash } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqsSendQueue } from '../../../functions/adapters/sqs/sqs-send-queue.js';
import type { SendBatchMessage } from '../../../functions/ports/send-queue.js';
import { startAwsJsonServer } from '../../support/aws-json-server.js';

/**
 * The send queue against a loopback server speaking SQS's JSON protocol, which answers each
 * SendMessageBatch the way SQS can: all taken, some entries failed on SQS's side, or refused.
 */
interface Entry {
  Id: string;
  MessageBody: string;
}
type Failure = { Code: string; SenderFault: boolean; Message?: string };
/** Decides, per call and entry, whether SQS takes it; undefined means taken. */
type Judge = (call: number, entry: Entry) => Failure | undefined;

let server: Awaited<ReturnType<typeof startAwsJsonServer>> | undefined;
let client: SQSClient | undefined;

afterEach(async () => {
  client?.destroy();
  await server?.close();
  server = undefined;
  client = undefined;
});

async function queueWith(judge: Judge): Promise<{ queue: SqsSendQueue; landed: SendBatchMessage[]; calls: Entry[][] }> {
  const landed: SendBatchMessage[] = [];
  const calls: Entry[][] = [];
  server = await startAwsJsonServer({
    'AmazonSQS.SendMessageBatch': (body) => {
      const entries = body.Entries as Entry[];
      calls.push(entries);
      const Successful: object[] = [];
      const Failed: object[] = [];
      for (const entry of entries) {
        const failure = judge(calls.length, entry);
        if (failure) {
          Failed.push({ Id: entry.Id, ...failure });
          continue;
        }
        landed.push(JSON.parse(entry.MessageBody) as SendBatchMessage);
        // The SDK checks this digest against the body it sent.
        Successful.push({
          Id: entry.Id,
          MessageId: `m-${calls.length}-${entry.Id}`,
          MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
        });
      }
      return { Successful, Failed };
    },
  });
  client = new SQSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return { queue: new SqsSendQueue(client, `${server.url}/000000000000/send`), landed, calls };
}

const batches = (n: number): SendBatchMessage[] =>
  Array.from({ length: n }, (_, i) => ({ newsletterId: 'tech-weekly', editionId: '2025-07-04', subscriberIds: [`s${i}a`, `s${i}b`] }));

const idsOf = (list: SendBatchMessage[]) => list.map((b) => b.subscriberIds[0]).sort();

describe('SqsSendQueue', () => {
  it('queues more than ten batches in calls of at most ten, each batch once', async () => {
    const { queue, landed, calls } = await queueWith(() => undefined);
    const all = batches(23);
    await queue.enqueue(all);
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(landed).toEqual(all);
  });

  it('retries only the entries SQS failed on its side, until every batch has landed exactly once', async () => {
    // Call 1 fails entries 2 and 7 of the first ten; the retry of those fails entry 7 again; then it is taken.
    const { queue, landed, calls } = await queueWith((call, entry) => {
      if (call === 1 && (entry.Id === '2' || entry.Id === '7')) return { Code: 'InternalError', SenderFault: false, Message: 'try again' };
      if (call === 2 && entry.Id === '7') return { Code: 'ServiceUnavailable', SenderFault: false };
      return undefined;
    });
    const all = batches(12);
    await queue.enqueue(all);
    expect(calls.map((entries) => entries.map((e) => e.Id))).toEqual([['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['2', '7'], ['7'], ['0', '1']]);
    expect(landed).toHaveLength(12);
    expect(idsOf(landed)).toEqual(idsOf(all));
  });

  it('fails, naming the error code, when SQS refuses an entry as the sender’s fault', async () => {
    const { queue, calls } = await queueWith((_call, entry) =>
      entry.Id === '1' ? { Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad body' } : undefined,
    );
    await expect(queue.enqueue(batches(3))).rejects.toThrow(/InvalidMessageContents/);
    // A refusal is not retried: sending the same entry again cannot succeed.
    expect(calls).toHaveLength(1);
  });
});
