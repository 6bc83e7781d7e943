import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../../support/chat-completions-server.js';

/** A model that answers with the article's first sentences, as the article writes them (so every fact checks out). */
function firstSentences(body: Record<string, unknown>): { content: string } {
  const user = String((body.messages as { content: string }[])[1]!.content);
  const article = user.slice(user.indexOf('<article>') + 10, user.indexOf('</article>'));
  const count = Number(/exactly (\d+) key points/.exec(user)?.[1] ?? 2);
  const sentences = article.match(/[^。！？\n]+[。！？]/gu) ?? [];
  return { content: JSON.stringify({ title: '華人AI頂級專家被美高價挖走', keyPoints: sentences.slice(0, count) }) };
}

describe('newsletter digest with an OpenAI-compatible extractor', () => {
  let ws: CliWorkspace;
  let server: ChatCompletionsServer;
  beforeEach(async () => {
    server = await startChatCompletionsServer();
    server.always(firstSentences);
    process.env.KP_TEST_LLM_KEY = 'sk-loopback';
    ws = await createCliWorkspace({
      prefix: 'newsletter-llm-',
      configure: (config) => {
        config.newsletters[0]!.keyPoints = { max: 8, extractor: 'openai-compatible', llm: { baseUrl: server.baseUrl, model: 'loopback-model', apiKeyEnv: 'KP_TEST_LLM_KEY' } };
      },
    });
  });
  afterEach(async () => {
    await ws?.stop();
    await server.close();
  });

  it('sends an edition with the model\'s points and reports them; a second run calls the endpoint 0 times', async () => {
    const first = await ws.run('digest', '--out', ws.out);
    expect(first.code).toBe(0);
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-loopback');
    expect(first.output).toContain('華人AI頂級專家被美高價挖走');
    expect(first.output).toMatch(/Key points \(openai-compatible\): 1 article\(s\), 0 from the cache, 0 point\(s\) dropped as unfaithful/);
    const calls = server.requests.length;

    const second = await ws.run('digest', '--force', '--out', ws.out);
    expect(second.code).toBe(0);
    expect(server.requests.length - calls).toBe(0);
    expect(second.output).toMatch(/Key points \(openai-compatible\): 1 article\(s\), 1 from the cache/);
  });
});
