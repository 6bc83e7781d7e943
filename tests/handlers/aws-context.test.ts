import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { signToken, tokenKeyId, verifyToken } from '../../functions/core/tokens.js';
import { AwsContext, SIGNING_KEYS_REFRESH_MS } from '../../functions/handlers/aws-context.js';
import { startAwsJsonServer } from '../support/aws-json-server.js';
import { testNewsletters } from '../support/subscription-fixtures.js';

const savedEnv = { ...process.env };
const ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:token';
const SIGNING_ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:signing';
/** Secret values by ARN: a string is answered as SecretString, bytes as SecretBinary (base64 in the JSON protocol). */
const values: Record<string, string | Buffer> = {};
let secrets: Awaited<ReturnType<typeof startAwsJsonServer>>;

beforeAll(async () => {
  secrets = await startAwsJsonServer({
    'secretsmanager.GetSecretValue': (body) => {
      const value = values[String(body.SecretId)] ?? '';
      return { ARN: body.SecretId, Name: 'token', ...(Buffer.isBuffer(value) ? { SecretBinary: value.toString('base64') } : { SecretString: value }) };
    },
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  });
});
afterAll(async () => {
  process.env = savedEnv;
  await secrets?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  TABLE_NAME: 't',
  TOKEN_SECRET_ARN: ARN,
  NEWSLETTER_CONFIG: JSON.stringify({ newsletters: testNewsletters() }),
  ...extra,
});
const context = () => new AwsContext(env());

describe('AwsContext.tokenKeys', () => {
  it('refuses a secret shorter than 32 bytes with a one-line error naming the secret', async () => {
    values[ARN] = 'x'.repeat(31);
    const error = await context()
      .tokenKeys()
      .catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as Error).message).toBe(
      `token key from secret ${ARN} has 31 bytes, fewer than the 32 needed: put a random value of at least 32 characters in the secret`,
    );
  });

  it('uses a secret of 32 bytes or more as the one key of a deployment that never rotated', async () => {
    values[ARN] = 'k'.repeat(64);
    const keys = await context().tokenKeys();
    expect(keys.id.equals(Buffer.from(values[ARN]!))).toBe(true);
    expect(keys.signing).toBe(keys.id);
    expect(keys.accepted).toEqual([]);
  });

  it('signs with the rotated key, still accepts the old one, and reads a rotation within the refresh time', async () => {
    values[ARN] = 'i'.repeat(64);
    values[SIGNING_ARN] = '';
    const clock = new VirtualClock();
    const ctx = new AwsContext(env({ TOKEN_SIGNING_KEYS_ARN: SIGNING_ARN }), undefined, clock);
    const before = await ctx.tokenKeys();
    const oldLink = signToken(before.signing, { purpose: 'unsubscribe', newsletterId: 'weekly', subscriberId: '0'.repeat(32) });
    expect(before.signing.equals(Buffer.from(values[ARN]!))).toBe(true);

    values[SIGNING_ARN] = JSON.stringify({ signingKey: 'n'.repeat(64) });
    // A container keeps what it read for a while...
    expect((await ctx.tokenKeys()).signing).toBe(before.signing);
    // ...and reads the rotation once that while has passed.
    clock.advance(SIGNING_KEYS_REFRESH_MS);
    const after = await ctx.tokenKeys();
    expect(tokenKeyId(after.signing)).toBe(tokenKeyId(Buffer.from('n'.repeat(64))));
    expect(after.id.equals(before.id)).toBe(true);
    expect(verifyToken(after, oldLink, 'unsubscribe', 0).ok).toBe(true);
  });

  it('refuses a signing-keys secret that is not the documented JSON, naming the secret', async () => {
    values[ARN] = 'i'.repeat(64);
    values[SIGNING_ARN] = 'n'.repeat(64);
    const error = await new AwsContext(env({ TOKEN_SIGNING_KEYS_ARN: SIGNING_ARN })).tokenKeys().catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as Error).message).toContain(`signing keys from secret ${SIGNING_ARN} are not JSON`);
  });

  it('uses a binary secret as its bytes, so a local data dir key (random bytes, not UTF-8) signs the same links on AWS', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, ...Array.from({ length: 28 }, (_, i) => (i * 37) % 256)]);
    values[ARN] = bytes;
    const keys = await context().tokenKeys();
    expect(keys.id.equals(bytes)).toBe(true);
    expect(keys.signing.equals(bytes)).toBe(true);
  });
});

describe('AwsContext.templateDirs', () => {
  const [ownTemplate, bundled] = testNewsletters();
  const config = (templatesDir: string) => JSON.stringify({ templatesDir, newsletters: [{ ...ownTemplate, template: 'brand' }, bundled] });

  it("finds a newsletter's own template folder inside the bundle, where the stack copies it, and none for the bundled templates", () => {
    const ctx = new AwsContext(env({ NEWSLETTER_CONFIG: config('own-templates'), LAMBDA_TASK_ROOT: '/var/task' }));
    expect(ctx.templateDirs).toEqual({ [ownTemplate!.id]: '/var/task/own-templates/brand' });
    expect(ctx.templatesDir).toBe('/var/task/templates');
  });

  it('takes an absolute templatesDir as it is, as the local twin of the stack passes it', () => {
    const ctx = new AwsContext(env({ NEWSLETTER_CONFIG: config('/home/editor/news/my-templates') }));
    expect(ctx.templateDirs).toEqual({ [ownTemplate!.id]: '/home/editor/news/my-templates/brand' });
  });
});
