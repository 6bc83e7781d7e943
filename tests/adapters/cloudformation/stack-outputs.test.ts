import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STACK_NAME, readStackOutputs } from '../../../functions/adapters/cloudformation/stack-outputs.js';
import { STACK_NAME } from '../../../infra/create-app.js';
import { startCloudFormationServer } from '../../support/cloudformation-server.js';

let cfn: Awaited<ReturnType<typeof startCloudFormationServer>>;
let client: CloudFormationClient;

beforeAll(async () => {
  cfn = await startCloudFormationServer({
    KeypointsNewsletter: { TableName: 'Keypoints-Table-1', SendQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/send?x=1&y=2' },
  });
  client = new CloudFormationClient({ region: 'eu-west-1', endpoint: cfn.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  client?.destroy();
  await cfn?.close();
});

describe('readStackOutputs', () => {
  it('reads the outputs of the deployed stack by key', async () => {
    expect(await readStackOutputs(client, 'KeypointsNewsletter')).toEqual({
      TableName: 'Keypoints-Table-1',
      SendQueueUrl: 'https://sqs.us-east-1.amazonaws.com/1/send?x=1&y=2',
    });
  });

  it('says which stack is missing in which region, and how to name another', async () => {
    await expect(readStackOutputs(client, 'Elsewhere')).rejects.toThrow(
      'stack "Elsewhere" does not exist in eu-west-1: deploy it with "npx cdk deploy", or name yours with --stack NAME',
    );
  });

  it('defaults to the stack name the CDK app deploys', () => {
    expect(DEFAULT_STACK_NAME).toBe(STACK_NAME);
  });
});
