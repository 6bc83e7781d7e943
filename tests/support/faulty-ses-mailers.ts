import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { FaultySesServer } from '../../functions/adapters/local/faulty-ses-server.js';

/**
 * Faulty SES servers and mailers over them for one test file, closed together at the end.
 *
 * @example
 * const ses = new FaultySesMailers();
 * afterAll(() => ses.close());
 * const mailer = ses.mailerFor(await ses.server({ faultProbability: 1 }));
 */
export class FaultySesMailers {
  private readonly servers: FaultySesServer[] = [];
  private readonly clients: SESClient[] = [];

  async server(options: Parameters<typeof FaultySesServer.start>[0]): Promise<FaultySesServer> {
    const ses = await FaultySesServer.start(options);
    this.servers.push(ses);
    return ses;
  }

  mailerFor(ses: FaultySesServer): SesMailer {
    // One attempt per call, as the CLI configures it: the sender's own retries must see every fault.
    const client = new SESClient({
      region: 'us-east-1',
      endpoint: ses.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    this.clients.push(client);
    return new SesMailer(client);
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.destroy();
    await Promise.all(this.servers.map((s) => s.close()));
  }
}
