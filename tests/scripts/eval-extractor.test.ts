import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyPointExtractor } from '../../functions/adapters/key-points/create-extractor.js';
import { newsletterSchema } from '../../functions/core/config.js';
import { parseCnnStory } from '../../scripts/eval/datasets.js';
import { extractorPoints, formatTable, runEval } from '../../scripts/eval/run.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../support/chat-completions-server.js';

/** A model that answers with the first sentence of each paragraph of the article it is sent. */
function firstSentences(body: Record<string, unknown>): { content: string } {
  const user = String((body.messages as { content: string }[])[1]!.content);
  const article = user.slice(user.indexOf('<article>') + 10, user.indexOf('</article>'));
  const count = Number(/exactly (\d+) key points/.exec(user)?.[1] ?? 2);
  const points = article
    .split('\n\n')
    .map((p) => p.split(/(?<=\.)\s/)[0]!)
    .slice(0, count);
  return { content: JSON.stringify({ title: 'A title', keyPoints: points }) };
}

const stories = [
  parseCnnStory(
    'a',
    'The council approved the new harbour wall on Monday after two years of debate.\n\n' +
      'The wall will cost 12 million pounds and take three years to build.\n\n' +
      'Fishermen said the plan came too late.\n\n@highlight\n\nCouncil approves harbour wall after two years\n\n' +
      '@highlight\n\nThe wall will cost 12 million pounds',
  ),
  parseCnnStory(
    'b',
    'A storm cut power to 40,000 homes in Cornwall overnight, the network operator said.\n\n' +
      'Engineers expected to restore most supplies by Tuesday evening.\n\nSchools in three towns stayed closed.\n\n' +
      '@highlight\n\nStorm cuts power to 40,000 Cornwall homes\n\n@highlight\n\nMost supplies back by Tuesday evening',
  ),
];

describe('npm run eval --extractor', () => {
  let server: ChatCompletionsServer;
  beforeAll(async () => {
    server = await startChatCompletionsServer();
    server.always(firstSentences);
  });
  afterAll(async () => server.close());

  it('scores an LLM endpoint with the same ROUGE and LEAD-k table as the embedded extractor', async () => {
    const keyPoints = newsletterSchema.shape.keyPoints.parse({ extractor: 'openai-compatible', llm: { baseUrl: server.baseUrl, model: 'loopback' } });
    const extractor = createKeyPointExtractor({ id: 'eval', keyPoints }, { environment: {} });
    const points = await extractorPoints(stories, extractor);
    expect(server.requests).toHaveLength(2);
    const report = runEval(stories, { points });
    expect(report.items.map((i) => i.keyPoints)).toEqual([
      ['The council approved the new harbour wall on Monday after two years of debate.', 'The wall will cost 12 million pounds and take three years to build.'],
      [
        'A storm cut power to 40,000 homes in Cornwall overnight, the network operator said.',
        'Engineers expected to restore most supplies by Tuesday evening.',
      ],
    ]);
    expect(formatTable(report)).toMatch(/cnn samples\s+all\s+2\s+[\d./]+\s+[\d./]+\s+[\d./]+\s+\d+\/\d+\/\d+/);
  });
});
