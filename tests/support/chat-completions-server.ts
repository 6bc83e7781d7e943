import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server that speaks OpenAI's chat completions API (`POST /v1/chat/completions`). Each
 * test queues the answers it wants (a JSON text, a status with headers, or silence); every request
 * is recorded, so a test can count the calls.
 */
type ScriptedAnswer = { content: string; finishReason?: string } | { status: number; headers?: Record<string, string>; body?: string } | { hang: true };

export interface ChatCompletionsServer {
  baseUrl: string;
  requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
  answer(...answers: ScriptedAnswer[]): void;
  /** Answers every later request with this one, or with what `answer` makes of the request (after the queued ones). */
  always(answer: ScriptedAnswer | ((body: Record<string, unknown>) => ScriptedAnswer)): void;
  close(): Promise<void>;
}

export async function startChatCompletionsServer(): Promise<ChatCompletionsServer> {
  const queue: ScriptedAnswer[] = [];
  let fallback: ScriptedAnswer | ((body: Record<string, unknown>) => ScriptedAnswer) = { status: 500, body: '{"error":{"message":"no answer scripted"}}' };
  const requests: ChatCompletionsServer['requests'] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ headers: req.headers, body });
      const next = queue.shift() ?? (typeof fallback === 'function' ? fallback(body) : fallback);
      if ('hang' in next) {
        hanging.push(res);
        return;
      }
      if ('status' in next) {
        res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.body ?? '{"error":{"message":"scripted"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-test',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: next.content }, finish_reason: next.finishReason ?? 'stop' }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answer: (...answers) => queue.push(...answers),
    always: (answer) => (fallback = answer),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
