import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { acceptedBatch } from './aws-json-server.js';
import { runCli } from './cli-workspace.js';
import { startCloudFormationServer } from './cloudformation-server.js';
import { startLoopbackStack, type LoopbackStack } from './loopback-stack.js';

export interface AwsCliStack extends LoopbackStack {
  /** Messages on the send queue, oldest first: every batch is accepted, and the test plays the SQS event source. */
  queue: string[];
  /** The DescribeStacks calls the loopback CloudFormation answered. */
  cloudFormationCalls: { action: string; stackName: string }[];
  /** The config file in the work folder. */
  configFile: string;
  /** The CLI's data dir (a `--aws` command must not create it). */
  dataDir: string;
  /** Runs `newsletter --config … --data-dir … ARGS`; returns the exit code and everything printed. */
  cli(...args: string[]): Promise<{ code: number; output: string }>;
}

/**
 * The deployed stack as the operator's `--aws` commands find it, on loopback: the stack's functions'
 * surroundings (`startLoopbackStack`, without SES: each case gives the functions its own), a
 * CloudFormation whose stack outputs (`stacks`, given the queue URL) name the table, send queue and
 * token secret, and the config written to the work folder. The stack variables a developer's shell
 * may hold (NEWSLETTER_TABLE, NEWSLETTER_SEND_QUEUE_URL, NEWSLETTER_TOKEN_SECRET_ARN, AWS_PROFILE) are
 * unset, so only CloudFormation tells the CLI where the stack is.
 */
export async function startAwsCliStack(options: {
  /** Names the work directory. */
  name: string;
  config: unknown;
  /** The stack's table, as its outputs name it. */
  tableName: string;
  /** Each stack's outputs by stack name; any other stack does not exist. */
  stacks: (queueUrl: string) => Record<string, Record<string, string>>;
}): Promise<AwsCliStack> {
  const queue: string[] = [];
  let cloudFormationCalls: AwsCliStack['cloudFormationCalls'] = [];
  const stack = await startLoopbackStack({
    name: options.name,
    config: options.config,
    tableName: options.tableName,
    withoutSes: true,
    onSendBatch: (entries) => {
      queue.push(...entries.map((e) => e.MessageBody));
      return acceptedBatch(entries);
    },
    more: async (queueUrl) => {
      const cfn = await startCloudFormationServer(options.stacks(queueUrl));
      cloudFormationCalls = cfn.calls;
      return { endpoints: { CLOUDFORMATION: cfn.url }, close: () => cfn.close() };
    },
    unset: ['NEWSLETTER_TABLE', 'NEWSLETTER_SEND_QUEUE_URL', 'NEWSLETTER_TOKEN_SECRET_ARN', 'AWS_PROFILE'],
  });
  const configFile = path.join(stack.work, 'newsletter.config.json');
  await writeFile(configFile, JSON.stringify(options.config));
  const dataDir = path.join(stack.work, '.newsletter');
  return {
    ...stack,
    queue,
    cloudFormationCalls,
    configFile,
    dataDir,
    cli: (...args) => runCli(['--config', configFile, '--data-dir', dataDir, ...args]),
  };
}
