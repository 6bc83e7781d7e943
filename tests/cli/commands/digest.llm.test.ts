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
        config.newsletters[0]!.keyPoints = {
          max: 8,
          extractor: 'openai-compatible',
          llm: { baseUrl: server.baseUrl, model: 'loopback-model', apiKeyEnv: 'KP_TEST_LLM_KEY' },
        };
      },
    });
  });
  afterEach(async () => {
    await ws?.stop();
    await server.close();
  });

  it("sends an edition with the model's points and reports them; a second run calls the endpoint 0 times", async () => {
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

  it('keeps with the edition how many points were dropped as unfaithful, and editions show prints it', async () => {
    // The model invents a figure in its second point: the check drops that point and the embedded extractor fills in.
    server.always((body) => {
      const answer = JSON.parse(firstSentences(body).content) as { title: string; keyPoints: string[] };
      answer.keyPoints[1] = '美國公司為此付出了987654321美元。';
      return { content: JSON.stringify(answer) };
    });
    const run = await ws.run('digest', '--out', ws.out);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/Key points \(openai-compatible\): 1 article\(s\), 0 from the cache, 1 point\(s\) dropped as unfaithful/);
    expect(run.output).not.toContain('987654321');

    const [edition] = JSON.parse((await ws.run('editions', 'list', '--json')).output) as { editionId: string }[];
    const shown = await ws.run('editions', 'show', edition!.editionId);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain(
      'Key points (openai-compatible): 1 article(s), 0 from the cache, 1 point(s) dropped as unfaithful, 0 article(s) on the embedded extractor',
    );
  });
});
