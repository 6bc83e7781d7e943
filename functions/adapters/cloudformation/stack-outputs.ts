import { type CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { ConfigError } from '../../core/errors.js';

/**
 * The stack outputs an operator's command reads to find the deployed resources. The stack declares
 * them under these names (infra/newsletter-stack.ts), so renaming one here breaks its test there.
 */
export const OPERATOR_OUTPUTS = {
  tableName: 'TableName',
  sendQueueUrl: 'SendQueueUrl',
  tokenSecretArn: 'TokenSecretArn',
  /** The sign-up page, `<API base>/subscribe` (infra/constructs/subscription-api.ts). */
  subscribePage: 'SubscribePage',
} as const;

/** The stack `npx cdk deploy` creates (infra/create-app.ts). */
export const DEFAULT_STACK_NAME = 'KeypointsNewsletter';

/**
 * Reads a deployed stack's outputs by key with CloudFormation DescribeStacks. The client takes its
 * region, credentials and endpoint (`AWS_ENDPOINT_URL_CLOUDFORMATION`) from the standard SDK chain.
 *
 * @example
 * const outputs = await readStackOutputs(new CloudFormationClient({}), 'KeypointsNewsletter');
 * outputs.TableName; // 'KeypointsNewsletter-TableCD117FA1-…'
 */
export async function readStackOutputs(client: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  let answer: DescribeStacksCommandOutput;
  try {
    answer = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/does not exist/i.test(message)) {
      const region = await client.config.region().catch(() => 'the configured region');
      throw new ConfigError(
        `stack "${stackName}" does not exist in ${region}: deploy it with "npx cdk deploy", or name yours with --stack NAME (and AWS_REGION)`,
        { cause: error },
      );
    }
    throw new ConfigError(
      `could not read stack "${stackName}" from CloudFormation: ${message}: check your AWS credentials and region (AWS_PROFILE, AWS_REGION)`,
      { cause: error },
    );
  }
  const stack = answer.Stacks?.[0];
  if (!stack) throw new ConfigError(`stack "${stackName}" was not returned by CloudFormation: check the name with "aws cloudformation list-stacks"`);
  const outputs: Record<string, string> = {};
  for (const output of stack.Outputs ?? []) if (output.OutputKey && output.OutputValue !== undefined) outputs[output.OutputKey] = output.OutputValue;
  return outputs;
}
