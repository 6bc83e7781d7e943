import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESClient } from '@aws-sdk/client-ses';
import { afterAll, describe, expect, it } from 'vitest';
import { sdkClientConfig } from '../../../functions/adapters/sdk-client-config.js';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer.js';
import { MailerError } from '../../../functions/core/errors.js';
import type { FaultySesServer } from '../../../functions/adapters/local/faulty-ses-server.js';
import { FaultySesMailers } from '../../support/faulty-ses-mailers.js';

/** The SES mailer against an SES-compatible server that throttles, fails and refuses on demand. */
const sesFixture = new FaultySesMailers();
afterAll(() => sesFixture.close());
const sesServer = (options: Parameters<FaultySesMailers['server']>[0]) => sesFixture.server(options);
const mailerFor = (server: FaultySesServer) => sesFixture.mailerFor(server);

describe('SesMailer against an SES-compatible server', () => {
  it('reports Throttling as a throttled, retryable refusal', async () => {
    const mailer = mailerFor(await sesServer({ faultProbability: 1, throttlingShare: 1 }));
    const error = await mailer.send({ from: 'digest@example.com', to: 'a@example.com', raw: Buffer.from('Subject: x\r\n\r\nx') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailerError);
    expect(error).toMatchObject({ retryable: true, throttled: true });
    expect((error as Error).message).toContain('Maximum sending rate exceeded');
  });

  it('reports 500 and 503 server faults as retryable but not throttled', async () => {
    const mailer = mailerFor(await sesServer({ faultProbability: 1, throttlingShare: 0, seed: 7 }));
    const errors = await Promise.all(
      Array.from({ length: 6 }, () =>
        mailer.send({ from: 'digest@example.com', to: 'a@example.com', raw: Buffer.from('Subject: x\r\n\r\nx') }).catch((e: unknown) => e),
      ),
    );
    const statuses = new Set(errors.map((e) => (e as { cause?: { $metadata?: { httpStatusCode?: number } } }).cause?.$metadata?.httpStatusCode));
    expect(statuses).toEqual(new Set([500, 503]));
    for (const error of errors) expect(error).toMatchObject({ retryable: true, throttled: false });
  });
});

describe('SesMailer refusals', () => {
  it.each([
    {
      status: 400,
      code: 'MessageRejected',
      message: 'Email address is not verified. The following identities failed the check in region US-EAST-1: news@example.com',
    },
    { status: 400, code: 'AccessDenied', message: 'User is not authorized to perform ses:SendRawEmail' },
    { status: 400, code: 'AccountSendingPausedException', message: 'Account sending paused.' },
    { status: 400, code: 'ConfigurationSetDoesNotExist', message: 'Configuration set digest does not exist.' },
    { status: 400, code: 'MailFromDomainNotVerifiedException', message: 'MAIL FROM domain is not verified.' },
  ])('reports $code as a refusal of the account, not of the reader', async (refusal) => {
    const mailer = mailerFor(await sesServer({ refuseAll: refusal }));
    const error = await mailer.send({ from: 'news@example.com', to: 'a@example.com', raw: Buffer.from('Subject: x\r\n\r\nx') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, accountLevel: true });
  });

  it('reports a refused recipient as that reader only', async () => {
    const mailer = mailerFor(await sesServer({ rejectRecipients: ['a@example.com'] }));
    const error = await mailer.send({ from: 'news@example.com', to: 'a@example.com', raw: Buffer.from('Subject: x\r\n\r\nx') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, accountLevel: false });
  });
});

describe('SesMailer against an endpoint that never answers', () => {
  it('gives up after the request timeout with a retryable error, so a hung call cannot hold the sender', async () => {
    // Accepts the connection and reads the request, then says nothing.
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const client = new SESClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...sdkClientConfig('ses', { requestTimeout: 200 }),
    });
    try {
      const error = await new SesMailer(client)
        .send({ from: 'news@example.com', to: 'a@example.com', raw: Buffer.from('Subject: x\r\n\r\nx') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailerError);
      expect(error).toMatchObject({ retryable: true, throttled: false, accountLevel: false });
      expect((error as Error).message).toContain('TimeoutError');
    } finally {
      client.destroy();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('keeps one attempt for SES and leaves retries to the other services', () => {
    expect(sdkClientConfig('ses').maxAttempts).toBe(1);
    expect(sdkClientConfig('dynamodb').maxAttempts).toBeUndefined();
    expect(sdkClientConfig('dynamodb').requestHandler).toMatchObject({ throwOnRequestTimeout: true });
  });
});
