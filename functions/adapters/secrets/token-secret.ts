import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
  let secret;
  try {
    secret = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (error) {
    throw new ConfigError(
      `could not read the token secret ${arn}: ${(error as Error).message ?? String(error)}: attach the stack's ListOperatorPolicyArn policy (secretsmanager:GetSecretValue on it) and check AWS_PROFILE and AWS_REGION`,
      { cause: error },
    );
  }
  // Bytes, not characters, are what the HMAC key is made of (as the functions read it).
  return checkTokenKey(Buffer.from(secret.SecretString ?? '', 'utf8'), `secret ${arn}`, 'put a random value of at least 32 characters in the secret');
}
