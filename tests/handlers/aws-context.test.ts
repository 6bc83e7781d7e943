import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsContext } from '../../functions/handlers/aws-context.js';
import { startAwsJsonServer } from '../support/aws-json-server.js';
import { testNewsletters } from '../support/subscription-fixtures.js';

const savedEnv = { ...process.env };
let secretValue = '';
/** Set: the secret is answered as SecretBinary (base64 in the JSON protocol) instead of SecretString. */
let secretBinary: Buffer | undefined;
let secrets: Awaited<ReturnType<typeof startAwsJsonServer>>;
const ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:token';

beforeAll(async () => {
  secrets = await startAwsJsonServer({ 'secretsmanager.GetSecretValue': () => ({ ARN, Name: 'token', ...(secretBinary ? { SecretBinary: secretBinary.toString('base64') } : { SecretString: secretValue }) }) });
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url });
});
afterAll(async () => {
  process.env = savedEnv;
  await secrets?.close();
});

const context = () => new AwsContext({ TABLE_NAME: 't', TOKEN_SECRET_ARN: ARN, NEWSLETTER_CONFIG: JSON.stringify({ newsletters: testNewsletters() }) });

describe('AwsContext.signingKey', () => {
  it('refuses a secret shorter than 32 bytes with a one-line error naming the secret', async () => {
    secretValue = 'x'.repeat(31);
    const error = await context().signingKey().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as Error).message).toBe(`token key from secret ${ARN} has 31 bytes, fewer than the 32 needed: put a random value of at least 32 characters in the secret`);
  });

  it('uses a secret of 32 bytes or more as the key', async () => {
    secretValue = 'k'.repeat(64);
    secretBinary = undefined;
    expect((await context().signingKey()).equals(Buffer.from(secretValue))).toBe(true);
  });

  it('uses a binary secret as its bytes, so a local data dir key (random bytes, not UTF-8) signs the same links on AWS', async () => {
    secretBinary = Buffer.from([0xff, 0xfe, 0x00, 0x80, ...Array.from({ length: 28 }, (_, i) => (i * 37) % 256)]);
    try {
      expect((await context().signingKey()).equals(secretBinary)).toBe(true);
    } finally {
      secretBinary = undefined;
    }
  });
});
