import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../../functions/handlers/environment.js';
import { createTestApp, SYNTH_TIMEOUT_MS } from '../stack-fixture.js';

const SIGNING_KEYS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:newsletter-signing-keys-AbC123';

describe('TokenSecret', { timeout: SYNTH_TIMEOUT_MS }, () => {
  let plain: Template;
  let rotated: Template;
  beforeAll(() => {
    plain = Template.fromStack(createTestApp().stack);
    rotated = Template.fromStack(createTestApp({ tokenSigningKeysArn: SIGNING_KEYS_ARN }).stack);
  }, SYNTH_TIMEOUT_MS);

  it('keeps the id key exactly as first deployed: a changed generator would regenerate it', () => {
    // CloudFormation generates a new value when GenerateSecretString changes; these must never change.
    const secrets = plain.findResources('AWS::SecretsManager::Secret');
    expect(Object.values(secrets)).toHaveLength(1);
    const [secret] = Object.values(secrets);
    expect(secret!.Properties).toEqual({
      Description: 'Signs the confirm, unsubscribe and preference links of the newsletter',
      GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 64 },
    });
    expect(secret!.DeletionPolicy).toBe('Retain');
    expect(secret!.UpdateReplacePolicy).toBe('Retain');
  });

  it('denies every principal, CloudFormation included, any way of changing or deleting the id key', () => {
    plain.hasResourceProperties('AWS::SecretsManager::ResourcePolicy', {
      ResourcePolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'TheIdKeyNeverChanges',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: Match.arrayWith([
              'secretsmanager:PutSecretValue',
              'secretsmanager:UpdateSecret',
              'secretsmanager:UpdateSecretVersionStage',
              'secretsmanager:RotateSecret',
              'secretsmanager:DeleteSecret',
            ]),
          }),
        ]),
      },
    });
  });

  it('reads no signing-keys secret before a rotation, and the named one after', () => {
    const variables = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => Object.keys(fn.Properties.Environment.Variables as object));
    expect(variables(plain).every((names) => !names.includes(ENV_NAMES.signingKeysSecretArn))).toBe(true);
    // Every function that reads the id key reads the signing keys too.
    for (const names of variables(rotated)) expect(names.includes(ENV_NAMES.signingKeysSecretArn)).toBe(names.includes(ENV_NAMES.tokenSecretArn));
    rotated.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['secretsmanager:GetSecretValue']), Resource: SIGNING_KEYS_ARN })]),
      },
    });
  });

  it('refuses a signing-keys ARN that is not complete, saying what to copy', () => {
    expect(() => createTestApp({ tokenSigningKeysArn: 'newsletter-signing-keys' })).toThrow(/is not the complete ARN of a secret .*copy the ARN/);
  });
});
