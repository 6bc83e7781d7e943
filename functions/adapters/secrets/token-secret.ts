import { GetSecretValueCommand, type GetSecretValueCommandOutput, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../../core/errors.js';
import { checkTokenKey } from '../../core/tokens.js';

/**
 * Reads the stack's token key from Secrets Manager (GetSecretValue on the secret's ARN). A refusal
 * or a missing secret is a ConfigError naming the secret and the permission it takes.
 *
 * @example
 * const key = await readTokenSecret(new SecretsManagerClient({}), outputs.TokenSecretArn);
 */
export async function readTokenSecret(client: SecretsManagerClient, arn: string): Promise<Buffer> {
  let secret: GetSecretValueCommandOutput;
  try {
    secret = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (error) {
    throw new ConfigError(
      `could not read the token secret ${arn}: ${(error as Error).message ?? String(error)}: attach the stack's ` +
        `ListOperatorPolicyArn policy (secretsmanager:GetSecretValue on it) and check AWS_PROFILE and AWS_REGION`,
      { cause: error },
    );
  }
  // Bytes, not characters, are what the HMAC key is made of (as the functions read it): a binary
  // secret as its bytes, a string secret as its UTF-8.
  const bytes = secret.SecretBinary ? Buffer.from(secret.SecretBinary) : Buffer.from(secret.SecretString ?? '', 'utf8');
  return checkTokenKey(bytes, `secret ${arn}`, 'put a random value of at least 32 characters in the secret');
}
