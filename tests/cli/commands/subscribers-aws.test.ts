import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoSubscriberStore } from '../../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { FaultySesServer } from '../../../functions/adapters/local/faulty-ses-server.js';
import { subscriberId } from '../../../functions/core/subscriber.js';
import { startAwsCliStack, type AwsCliStack } from '../../support/aws-cli-stack.js';
import { STACK_TOKEN } from '../../support/loopback-stack.js';
import { newsletterInput } from '../../support/newsletters.js';

/**
 * The deployed stack's list, managed from the operator's machine: the CLI finds the stack's table
 * and token secret through a loopback CloudFormation, keys subscriber ids with the stack's secret
 * (on loopback Secrets Manager) and writes to dynalite as the stack's table; the stack's own digest
 * and sender handlers then mail exactly the people the list commands left on it.
 */
const ID_KEY = Buffer.from(STACK_TOKEN);
const TABLE = 'KeypointsNewsletter-Table-1';

const newsletter = newsletterInput({ id: 'aws-weekly', title: 'Tech Weekly' });
const config = { newsletters: [newsletter] };

let stack: AwsCliStack;

beforeAll(async () => {
  stack = await startAwsCliStack({
    name: 'subscribers-aws',
    config,
    tableName: TABLE,
    stacks: (queueUrl) => ({
      KeypointsNewsletter: {
        TableName: TABLE,
        SendQueueUrl: queueUrl,
        TokenSecretArn: 'arn:token',
        SubscribePage: 'https://abc.execute-api.us-east-1.amazonaws.com/subscribe',
      },
      // A stack deployed before it named its token secret.
      OlderNewsletter: { TableName: TABLE, SendQueueUrl: queueUrl },
    }),
  });
});

afterAll(async () => {
  vi.resetModules();
  await stack?.close();
});

const cli = (...args: string[]) => stack.cli(...args);

describe('subscribers … --aws', () => {
  it("adds, imports, lists, exports, removes and unsuppresses on the stack's table, keyed as the stack keys; its " +
    'next edition reaches just the list', async () => {
    const subscribers = new DynamoSubscriberStore(stack.servers.dynamodb, TABLE);
    const suppressions = new DynamoSuppressionStore(stack.servers.dynamodb, TABLE);
    // Someone who signed up through the stack's form and later bounced.
    await subscribers.put({
      id: subscriberId(ID_KEY, 'bounced@example.com'),
      newsletterId: 'aws-weekly',
      email: 'bounced@example.com',
      status: 'confirmed',
      createdAt: '2026-11-01T00:00:00Z',
    });
    await suppressions.suppress(subscriberId(ID_KEY, 'bounced@example.com'), 'hard bounce', '2026-11-20T00:00:00.000Z');

    const added = await cli('subscribers', 'add', 'ana@example.com', '--name', 'Ana Lima', '--aws');
    expect(added).toEqual({ code: 0, output: 'Added ana@example.com to aws-weekly of stack KeypointsNewsletter (confirmed).' });
    // The id the stack's functions compute from the same secret: its unsubscribe links and senders find this record.
    expect(await subscribers.get('aws-weekly', subscriberId(ID_KEY, 'ana@example.com'))).toMatchObject({
      email: 'ana@example.com',
      name: 'Ana Lima',
      status: 'confirmed',
    });

    const csv = path.join(stack.work, 'list.csv');
    await writeFile(csv, 'email,name\nbo@example.com,Bo\ncy@example.com,Cy\nbounced@example.com,B\n');
    const imported = await cli('subscribers', 'import', csv, '--confirmed', '--aws');
    expect(imported.code).toBe(0);
    expect(imported.output).toContain('Imported 2 new, updated 0, unchanged 0, skipped 0 invalid, skipped 1 who left (1 suppressed');
    // The hint in the skipped line acts on the same stack when copied.
    expect(imported.output).toContain(`subscribers unsuppress EMAIL --aws" first`);

    const removed = await cli('subscribers', 'remove', 'cy@example.com', '--aws');
    expect(removed).toEqual({ code: 0, output: 'Removed cy@example.com from aws-weekly of stack KeypointsNewsletter.' });
    expect(await cli('subscribers', 'remove', 'cy@example.com', '--aws')).toMatchObject({
      code: 0,
      output: expect.stringContaining('cy@example.com already left aws-weekly of stack KeypointsNewsletter on '),
    });

    const lifted = await cli('subscribers', 'unsuppress', 'bounced@example.com', '--aws');
    expect(lifted).toEqual({ code: 0, output: 'Lifted the suppression of bounced@example.com (was: hard bounce on 2026-11-20). It gets the next edition.' });

    const listed = await cli('subscribers', 'list', '--json', '--aws');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.output) as { email: string; status: string }[];
    expect(rows.map((r) => [r.email, r.status]).sort()).toEqual([
      ['ana@example.com', 'confirmed'],
      ['bo@example.com', 'confirmed'],
      ['bounced@example.com', 'confirmed'],
      ['cy@example.com', 'unsubscribed'],
    ]);
    const file = path.join(stack.work, 'export.csv');
    expect(await cli('subscribers', 'export', file, '--status', 'confirmed', '--aws')).toEqual({
      code: 0,
      output: `Exported 3 subscribers of aws-weekly of stack KeypointsNewsletter to ${file}.`,
    });
    expect((await readFile(file, 'utf8')).split('\r\n').filter(Boolean)).toHaveLength(4);

    // The stack's own digest and senders mail exactly the confirmed people, once each.
    await mkdir(path.join(stack.work, 'articles'), { recursive: true });
    await writeFile(
      path.join(stack.work, 'articles', 'chips.md'),
      '# Chip makers race to build new factories\n\nChip makers announced $50 billion in new factories across three ' +
        'continents this year. Intel said its Ohio plant will open in 2027, two years late. Analysts warn that a ' +
        'shortage of trained engineers may slow the plans more than money.\n',
    );
    const ses = await FaultySesServer.start();
    try {
      process.env.AWS_ENDPOINT_URL_SES = ses.endpoint;
      vi.resetModules();
      const digest = await import('../../../functions/handlers/digest.js');
      const sender = await import('../../../functions/handlers/send-batch.js');
      expect(await digest.handler({ newsletterId: 'aws-weekly' })).toMatchObject({ status: 'queued', queued: 3 });
      while (stack.queue.length > 0) await sender.handler({ Records: [{ messageId: 'm', body: stack.queue.shift()! }] });
      expect([...ses.copiesByRecipient().entries()].sort()).toEqual([
        ['ana@example.com', 1],
        ['bo@example.com', 1],
        ['bounced@example.com', 1],
      ]);
    } finally {
      await ses.close();
    }
    // Nothing was started or written on the operator's machine.
    expect(existsSync(stack.dataDir)).toBe(false);
  }, 90_000);

  it('lists a stack that names no token secret, and refuses a write with the variable that fixes it', async () => {
    expect(await cli('subscribers', 'list', '--stack', 'OlderNewsletter')).toMatchObject({
      code: 0,
      output: expect.stringContaining('on aws-weekly of stack OlderNewsletter: '),
    });
    const refused = await cli('subscribers', 'add', 'dee@example.com', '--stack', 'OlderNewsletter');
    expect(refused.code).toBe(1);
    expect(refused.output.trim()).toBe(
      'newsletter: stack "OlderNewsletter" names no token secret (output TokenSecretArn): set ' +
        'NEWSLETTER_TOKEN_SECRET_ARN to its ARN, or deploy this version ("npx cdk deploy")',
    );
  }, 30_000);

  it("refuses to invite with --aws: no mail leaves the operator's machine for the stack's readers", async () => {
    const refused = await cli('subscribers', 'invite', '--aws');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('subscribers invite does not work with --aws: it sends mail');
  }, 30_000);

  it("embed --aws prints the sign-up form posting to the stack's API; a stack without that output is told to give --api", async () => {
    const printed = await cli('embed', '--aws');
    expect(printed.code).toBe(0);
    expect(printed.output).toContain('<form method="post" action="https://abc.execute-api.us-east-1.amazonaws.com/subscribe"');
    expect(printed.output).toContain('<input type="hidden" name="newsletter" value="aws-weekly">');
    const refused = await cli('embed', '--stack', 'OlderNewsletter');
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('stack "OlderNewsletter" gave no SubscribePage output');
  }, 30_000);
});
