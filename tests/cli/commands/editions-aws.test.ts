import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { FaultySesServer } from '../../../functions/adapters/local/faulty-ses-server.js';
import type { TestServers } from '../../support/local-servers.js';
import { startAwsCliStack, type AwsCliStack } from '../../support/aws-cli-stack.js';
import { STACK_TOKEN } from '../../support/loopback-stack.js';
import { newsletterInput } from '../../support/newsletters.js';

/**
 * The operator's way back on AWS, run locally: the stack's digest and sender handlers work against
 * dynalite, a fault-injecting SES and a loopback SQS; the CLI finds the stack's table and send queue
 * through a loopback CloudFormation and acts with `--aws`, starting no embedded server.
 */
const ID_KEY = Buffer.from(STACK_TOKEN);
const TABLE = 'KeypointsNewsletter-Table-1';
const NOT_VERIFIED = {
  status: 400,
  code: 'MessageRejected',
  message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.com',
};

const newsletter = (id: string) => newsletterInput({ id, title: 'Tech Weekly', sources: [{ type: 'folder', path: `articles-${id}` }] });
const reviewed = (id: string) => ({ ...newsletter(id), approval: 'manual', operators: ['editor@example.com'] });
const config = {
  newsletters: [newsletter('paused-weekly'), newsletter('resend-weekly'), reviewed('approve-weekly'), reviewed('skip-weekly'), newsletter('listed-weekly')],
};

let stack: AwsCliStack;
let servers: TestServers;
let work: string;
let configFile: string;
let dataDir: string;
/** Messages on the send queue, oldest first; the test plays the SQS event source. */
let queue: string[];

beforeAll(async () => {
  stack = await startAwsCliStack({
    name: 'editions-aws',
    config,
    tableName: TABLE,
    // The CLI finds the stack's table and send queue through CloudFormation's stack outputs.
    stacks: (queueUrl) => ({ KeypointsNewsletter: { TableName: TABLE, SendQueueUrl: queueUrl }, OldNewsletter: { TableName: TABLE } }),
  });
  ({ servers, work, configFile, dataDir, queue } = stack);
});

afterAll(async () => {
  vi.resetModules();
  await stack?.close();
});

beforeEach(() => {
  queue.length = 0;
});

const cli = (...args: string[]) => stack.cli(...args);

/** A new Lambda container against this SES: the handlers read their environment at cold start. */
async function coldStart(ses: FaultySesServer) {
  process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
  vi.resetModules();
  return { digest: await import('../../../functions/handlers/digest.js'), sender: await import('../../../functions/handlers/send-batch.js') };
}

/** Delivers the waiting queue messages to the sender, one invocation each, as the event source would. */
async function drain(
  sender: { handler: (e: { Records: { messageId: string; body: string }[] }) => Promise<{ batchItemFailures: unknown[] }> },
  count = queue.length,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const body = queue.shift()!;
    expect(await sender.handler({ Records: [{ messageId: `r-${i}`, body }] })).toEqual({ batchItemFailures: [] });
  }
}

async function subscribe(newsletterId: string, count: number): Promise<string[]> {
  const store = new DynamoSubscriberStore(servers.dynamodb, TABLE);
  const emails = Array.from({ length: count }, (_, i) => `${newsletterId}-${i}@example.com`);
  for (const email of emails) await store.put({ id: subscriberId(ID_KEY, email), newsletterId, email, status: 'confirmed', createdAt: '2026-11-01T00:00:00Z' });
  return emails;
}

async function writeArticle(newsletterId: string): Promise<void> {
  await mkdir(path.join(work, `articles-${newsletterId}`), { recursive: true });
  await writeFile(
    path.join(work, `articles-${newsletterId}`, 'chips.md'),
    '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
      'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
      'shortage of trained engineers may slow the plans more than money.\n',
  );
}

describe('editions --aws, after SES refused the account mid-edition', () => {
  it('lists and shows the paused edition from the stack, and resume queues only the readers who do not have it, so the senders finish it', async () => {
    await writeArticle('paused-weekly');
    const emails = await subscribe('paused-weekly', 60);
    const ses = await FaultySesServer.start();
    try {
      const { digest, sender } = await coldStart(ses);
      const result = await digest.handler({ newsletterId: 'paused-weekly' });
      expect(result).toMatchObject({ status: 'queued', queued: 60 });
      // Two delivery groups of the 60, one batch each; the first goes out, then SES stops
      // accepting the sender (identity not verified).
      expect(queue).toHaveLength(2);
      const first = (JSON.parse(queue[0]!) as { subscriberIds: string[] }).subscriberIds.length;
      await drain(sender, 1);
      ses.setRefusal(NOT_VERIFIED);
      await drain(sender);
      const editionId = result.editionId!;

      const list = await cli('--newsletter', 'paused-weekly', 'editions', 'list', '--aws');
      expect(list).toMatchObject({ code: 0 });
      expect(list.output).toContain(`${editionId}\tpaused\t${first} delivered, 0 failed\t`);
      const shown = await cli('--newsletter', 'paused-weekly', 'editions', 'show', editionId, '--aws');
      expect(shown.output).toContain('Paused: ');
      expect(shown.output).toContain('not verified');
      expect(shown.output).toContain(`Queued 60: ${first} sent`);

      ses.setRefusal(undefined);
      const resumed = await cli('--newsletter', 'paused-weekly', 'editions', 'resume', editionId, '--aws');
      expect(resumed).toMatchObject({ code: 0 });
      expect(resumed.output).toContain(
        `queued ${60 - first} readers who do not have it yet in 1 batch to the send queue of stack KeypointsNewsletter (${first} already have it)`,
      );
      expect(queue).toHaveLength(1);
      await drain(sender);

      const edition = await new DynamoEditionStore(servers.dynamodb, TABLE).get('paused-weekly', editionId);
      expect(edition).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 60 }) });
      const copies = ses.copiesByRecipient();
      expect(emails.every((email) => copies.get(email) === 1)).toBe(true);
      // Nothing was started or written on the operator's machine.
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await ses.close();
    }
  }, 60_000);
});

describe('editions resend --aws', () => {
  it('lists the failed deliveries by subscriber id and queues only those again; the edition ends sent with everyone served once', async () => {
    await writeArticle('resend-weekly');
    const emails = await subscribe('resend-weekly', 12);
    const refused = [emails[3]!, emails[8]!];
    const rejecting = await FaultySesServer.start({ rejectRecipients: refused });
    const healthy = await FaultySesServer.start();
    try {
      const first = await coldStart(rejecting);
      const result = await first.digest.handler({ newsletterId: 'resend-weekly' });
      const editionId = result.editionId!;
      await drain(first.sender);
      const editions = new DynamoEditionStore(servers.dynamodb, TABLE);
      expect(await editions.get('resend-weekly', editionId)).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 10, failed: 2 }) });

      const shown = await cli('--newsletter', 'resend-weekly', 'editions', 'show', editionId, '--aws');
      expect(shown.output).toContain(
        `Failed deliveries: 2; "npx newsletter --config ${configFile} --data-dir ${dataDir} --newsletter resend-weekly ` +
          `editions resend ${editionId} --aws" queues them again`,
      );
      expect(shown.output).toContain(`subscriber ${subscriberId(ID_KEY, refused[0]!)}: `);
      expect(shown.output).not.toContain('@example.com');

      const resent = await cli('--newsletter', 'resend-weekly', 'editions', 'resend', editionId, '--aws');
      expect(resent).toMatchObject({ code: 0 });
      expect(resent.output).toContain('queued 2 failed deliveries again in 1 batch');
      const message = JSON.parse(queue[0]!) as { editionId: string; subscriberIds: string[] };
      expect(message.editionId).toBe(editionId);
      expect(message.subscriberIds.sort()).toEqual(refused.map((e) => subscriberId(ID_KEY, e)).sort());
      expect(await editions.get('resend-weekly', editionId)).toMatchObject({ status: 'sending' });

      // The address works again (the recipient's server was fixed): a new container sends the batch.
      const second = await coldStart(healthy);
      await drain(second.sender);
      expect([...healthy.copiesByRecipient().entries()].sort()).toEqual(refused.map((e) => [e, 1]).sort());
      expect(await editions.get('resend-weekly', editionId)).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 12 }) });
    } finally {
      await rejecting.close();
      await healthy.close();
    }
  }, 60_000);
});

describe('editions approve and skip --aws (approval "manual")', () => {
  async function draftOf(newsletterId: string): Promise<string> {
    const list = await new DynamoEditionStore(servers.dynamodb, TABLE).list(newsletterId, 5);
    const draft = list.find((e) => e.status === 'draft');
    expect(draft).toBeDefined();
    return draft!.editionId;
  }

  it("approve moves the draft to sending and queues its readers for the stack's senders, who send it once each; a second approve queues nothing", async () => {
    await writeArticle('approve-weekly');
    const emails = await subscribe('approve-weekly', 55);
    const ses = await FaultySesServer.start();
    try {
      const { digest, sender } = await coldStart(ses);
      expect(await digest.handler({ newsletterId: 'approve-weekly' })).toMatchObject({ status: 'draft' });
      // Only the review copy went out, and nothing waits on the send queue.
      expect([...ses.copiesByRecipient().keys()]).toEqual(['editor@example.com']);
      expect(queue).toHaveLength(0);
      const editionId = await draftOf('approve-weekly');

      const approved = await cli('--newsletter', 'approve-weekly', 'editions', 'approve', editionId, '--aws');
      expect(approved).toMatchObject({ code: 0 });
      expect(approved.output).toContain(`Edition ${editionId} approved: `);
      // Whole delivery groups per batch: the two groups of the 55 make one batch or two.
      expect(approved.output).toMatch(new RegExp(`queued 55 readers in ${queue.length} batch(es)? to the send queue of stack KeypointsNewsletter`));
      expect(queue.length).toBeGreaterThanOrEqual(1);
      await drain(sender);
      const editions = new DynamoEditionStore(servers.dynamodb, TABLE);
      expect(await editions.get('approve-weekly', editionId)).toMatchObject({ status: 'sent', counts: expect.objectContaining({ sent: 55 }) });
      const copies = ses.copiesByRecipient();
      expect(emails.every((email) => copies.get(email) === 1)).toBe(true);

      const twice = await cli('--newsletter', 'approve-weekly', 'editions', 'approve', editionId, '--aws');
      expect(twice).toMatchObject({ code: 0 });
      expect(twice.output).toContain('is sent, not a draft: nothing changed');
      expect(queue).toHaveLength(0);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await ses.close();
    }
  }, 60_000);

  it('skip drops the draft unsent and releases its articles, so the next scheduled run drafts them again', async () => {
    await writeArticle('skip-weekly');
    await subscribe('skip-weekly', 3);
    const ses = await FaultySesServer.start();
    try {
      const { digest } = await coldStart(ses);
      expect(await digest.handler({ newsletterId: 'skip-weekly' })).toMatchObject({ status: 'draft' });
      const editionId = await draftOf('skip-weekly');

      const skipped = await cli('--newsletter', 'skip-weekly', 'editions', 'skip', editionId, '--aws');
      expect(skipped).toMatchObject({ code: 0 });
      expect(skipped.output).toContain(`Edition ${editionId} skipped: nothing sent; its 1 article(s) go into the next edition.`);
      expect(queue).toHaveLength(0);
      const editions = new DynamoEditionStore(servers.dynamodb, TABLE);
      expect(await editions.get('skip-weekly', editionId)).toMatchObject({ status: 'skipped' });

      // A new article arrives (the same articles on the same day would make the same edition id).
      await writeFile(
        path.join(work, 'articles-skip-weekly', 'robots.md'),
        '# Robots learn to fold laundry\n\nA lab in Zurich taught a robot to fold shirts in under a minute. The method ' +
          'uses a small camera and a learned policy. It works on clothes it has never seen.\n',
      );
      expect(await digest.handler({ newsletterId: 'skip-weekly' })).toMatchObject({ status: 'draft' });
      const next = await draftOf('skip-weekly');
      expect(next).not.toBe(editionId);
      expect((await editions.get('skip-weekly', next))!.articles.map((a) => a.title).sort()).toEqual([
        'Chip makers race to build new factories',
        'Robots learn to fold laundry',
      ]);
      // Only the two review copies went out: the list got nothing.
      expect([...ses.copiesByRecipient().entries()]).toEqual([['editor@example.com', 2]]);
    } finally {
      await ses.close();
    }
  }, 60_000);

  it('names the stack when the draft is not in its table', async () => {
    const answer = await cli('--newsletter', 'skip-weekly', 'editions', 'skip', 'skip-weekly-2020-01-01-00000000', '--aws');
    expect(answer.code).toBe(1);
    expect(answer.output).toContain(
      'edition skip-weekly-2020-01-01-00000000 is not in skip-weekly of stack KeypointsNewsletter (table KeypointsNewsletter-Table-1)',
    );
  });
});

describe('finding the deployed stack', () => {
  it('names a stack that does not exist and how to name the right one', async () => {
    const answer = await cli('editions', 'list', '--stack', 'Elsewhere');
    expect(answer.code).toBe(1);
    expect(answer.output).toContain('stack "Elsewhere" does not exist in us-east-1');
  });

  it('says what to do when the stack predates the send queue output', async () => {
    const answer = await cli('--newsletter', 'paused-weekly', 'editions', 'resume', 'any-edition', '--stack', 'OldNewsletter');
    expect(answer.code).toBe(1);
    expect(answer.output).toContain(
      'stack "OldNewsletter" has no output SendQueueUrl: deploy this version ("npx cdk deploy"), or set NEWSLETTER_SEND_QUEUE_URL',
    );
  });

  it('asks CloudFormation nothing when NEWSLETTER_TABLE and NEWSLETTER_SEND_QUEUE_URL name the resources', async () => {
    // An edition of its own newsletter in the stack's table, for the list to show.
    await writeArticle('listed-weekly');
    await subscribe('listed-weekly', 1);
    const ses = await FaultySesServer.start();
    try {
      const { digest } = await coldStart(ses);
      expect(await digest.handler({ newsletterId: 'listed-weekly' })).toMatchObject({ status: 'queued', queued: 1 });
    } finally {
      await ses.close();
    }
    const before = stack.cloudFormationCalls.length;
    process.env.NEWSLETTER_TABLE = TABLE;
    process.env.NEWSLETTER_SEND_QUEUE_URL = stack.queueUrl;
    try {
      const answer = await cli('--newsletter', 'listed-weekly', 'editions', 'list', '--aws');
      expect(answer.code).toBe(0);
      expect(answer.output).toContain('listed-weekly-');
      expect(stack.cloudFormationCalls.length).toBe(before);
    } finally {
      delete process.env.NEWSLETTER_TABLE;
      delete process.env.NEWSLETTER_SEND_QUEUE_URL;
    }
  });
});
