import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { signToken } from '../../functions/core/tokens.js';
import { AwsContext, SIGNING_KEYS_REFRESH_MS } from '../../functions/handlers/aws-context.js';
import { subscriptionApiHandler } from '../../functions/handlers/subscription-api.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { acceptedBatch } from '../support/aws-json-server.js';
import { STACK_TOKEN, startLoopbackStack, type LoopbackStack } from '../support/loopback-stack.js';
import { newsletterInput } from '../support/newsletters.js';

/**
 * A rotation reaching a running subscription function: the Lambda handler keeps its API between
 * invocations, and must take up signing keys put in after its cold start.
 */
const config = {
  newsletters: [newsletterInput({ id: 'rotated-weekly', title: 'Rotated Weekly' })],
};
const NEW_KEY = 'n'.repeat(64);
let document = '';
let stack: LoopbackStack;

beforeAll(async () => {
  stack = await startLoopbackStack({ name: 'rotation', config, onSendBatch: (entries) => acceptedBatch(entries), signingKeys: () => document });
});
afterAll(async () => stack?.close());

const get = (rawPath: string, rawQueryString: string): HttpApiEvent => ({
  version: '2.0',
  rawPath,
  rawQueryString,
  headers: {},
  isBase64Encoded: false,
  requestContext: { http: { method: 'GET', path: rawPath, sourceIp: '203.0.113.9' } },
});

describe('the subscription function across a rotation', () => {
  it('accepts links of the new signing key once its container has re-read the keys, and the old links throughout', async () => {
    const clock = new VirtualClock();
    const context = new AwsContext(process.env, undefined, clock);
    const handler = subscriptionApiHandler(() => context);
    const id = subscriberId(Buffer.from(STACK_TOKEN), 'reader@example.com');
    const at = clock.now().toISOString();
    await new DynamoSubscriberStore(stack.servers.dynamodb, stack.servers.tableName).put({
      id,
      newsletterId: 'rotated-weekly',
      email: 'reader@example.com',
      status: 'confirmed',
      createdAt: at,
      confirmedAt: at,
    });
    const claims = { purpose: 'unsubscribe' as const, newsletterId: 'rotated-weekly', subscriberId: id };
    const oldLink = signToken(Buffer.from(STACK_TOKEN), claims);
    const newLink = signToken(Buffer.from(NEW_KEY), claims);
    const page = async (token: string) => (await handler(get('/unsubscribe', `token=${encodeURIComponent(token)}`))).statusCode;

    expect(await page(oldLink)).toBe(200);
    expect(await page(newLink)).not.toBe(200);

    document = JSON.stringify({ signingKey: NEW_KEY });
    clock.advance(SIGNING_KEYS_REFRESH_MS);
    expect(await page(newLink)).toBe(200);
    expect(await page(oldLink)).toBe(200);
  });
});
