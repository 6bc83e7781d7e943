import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one Secrets Manager call the functions make (GetSecretValue of the token key), answered on
 * loopback in the AWS JSON protocol: no local server on this machine speaks Secrets Manager. A string
 * is answered as SecretString; bytes (the local data dir's key, `dev --stack-twin`) as SecretBinary, which
 * the JSON protocol carries base64-encoded
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
 */
export async function startSecretsEndpoint(secret: { arn: string; value: string | Buffer }): Promise<{ url: string; close(): Promise<void> }> {
  const answer = typeof secret.value === 'string' ? { SecretString: secret.value } : { SecretBinary: secret.value.toString('base64') };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target !== 'secretsmanager.GetSecretValue') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            __type: 'UnknownOperationException',
            message: `the twin's Secrets Manager answers GetSecretValue only, not ${target || 'this request'}`,
          }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ ARN: secret.arn, Name: 'token-key', ...answer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
