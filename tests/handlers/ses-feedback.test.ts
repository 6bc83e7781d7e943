import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { AwsContext } from '../../functions/handlers/aws-context.js';
import { feedbackHandler, type SnsEvent } from '../../functions/handlers/ses-feedback.js';
import { startAwsJsonServer } from '../support/aws-json-server.js';
import { useTestServers } from '../support/local-servers.js';
import { stackEnvironment } from '../support/stack-environment.js';
import { testNewsletters } from '../support/subscription-fixtures.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';

/** The deployed token key, from which subscriber ids are keyed. */
const SECRET = 'a-long-random-secret-of-more-than-32-characters';
const ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:token';

/**
 * The feedback function as SNS calls it, over real dynalite: what it records carries the time of
 * the function's clock (a virtual one here, the system's on Lambda), never the host's.
 */
const servers = useTestServers();
const savedEnv = { ...process.env };
let secrets: Awaited<ReturnType<typeof startAwsJsonServer>>;

beforeAll(async () => {
  secrets = await startAwsJsonServer({ 'secretsmanager.GetSecretValue': () => ({ ARN, Name: 'token', SecretString: SECRET }) });
  Object.assign(
    process.env,
    stackEnvironment({
      endpoints: { DYNAMODB: servers().embedded.endpoints.dynamodb, SECRETS_MANAGER: secrets.url },
      tableName: servers().tableName,
      tokenSecretArn: ARN,
      config: { newsletters: testNewsletters() },
    }),
  );
});

afterAll(async () => {
  process.env = savedEnv;
  await secrets?.close();
});

function notification(message: Record<string, unknown>, id: string): SnsEvent {
  return { Records: [{ Sns: { MessageId: id, Message: JSON.stringify(message) } }] };
}

describe('ses-feedback handler', () => {
  it('records each suppression at the time of its clock: a hard bounce now, a complaint a day later', async () => {
    const clock = new VirtualClock(Date.parse('2026-12-03T07:45:00Z'));
    const context = new AwsContext(process.env, undefined, clock);
    const handle = feedbackHandler(() => context);
    const key = Buffer.from(SECRET);

    await handle(notification({ eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'ann@example.com' }] } }, 'n1'));
    clock.advance(24 * 3600 * 1000);
    await handle(notification({ eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'Bob <bob@example.org>' }] } }, 'n2'));

    const ann = subscriberId(key, 'ann@example.com');
    const bob = subscriberId(key, 'bob@example.org');
    const found = await new DynamoSuppressionStore(servers().dynamodb, servers().tableName).findMany([ann, bob]);
    expect(found.get(ann)).toMatchObject({ reason: 'hard bounce', at: '2026-12-03T07:45:00.000Z' });
    expect(found.get(bob)).toMatchObject({ reason: 'complaint', at: '2026-12-04T07:45:00.000Z' });
  });
});
