import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoKeyPointCache } from '../../../functions/adapters/dynamodb/key-point-cache.js';
import { EmbeddedKeyPointExtractor } from '../../../functions/adapters/key-points/embedded-key-point-extractor.js';
import { OpenAiCompatibleKeyPointExtractor } from '../../../functions/adapters/key-points/openai-compatible-key-point-extractor.js';
import { cleanArticle } from '../../../functions/core/articles/clean.js';
import type { Article } from '../../../functions/core/article.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from '../../support/chat-completions-server.js';
import { useTestServers } from '../../support/local-servers.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';

function fixture(name: string): Article {
  const body = readFileSync(new URL(`../../fixtures/articles/${name}`, import.meta.url), 'utf8');
  const result = cleanArticle({ location: name, format: 'text', body });
  if (!result.ok) throw new Error(result.reason);
  return result.article;
}

const strike = fixture('wire-port-strike.txt');
const transit = fixture('ltn-transit.txt');
const answer = (title: string, keyPoints: string[]) => ({ content: JSON.stringify({ title, keyPoints }) });

describe('OpenAiCompatibleKeyPointExtractor', () => {
  const servers = useTestServers();
  let server: ChatCompletionsServer;
  let clock: VirtualClock;
  beforeAll(async () => {
    server = await startChatCompletionsServer();
  });
  afterAll(async () => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    clock = new VirtualClock();
  });

  const extractor = (options: { timeoutMs?: number; cache?: boolean; warn?: (m: string) => void } = {}) =>
    new OpenAiCompatibleKeyPointExtractor({
      baseUrl: server.baseUrl,
      model: 'test-model',
      apiKey: 'sk-test',
      fallback: new EmbeddedKeyPointExtractor(),
      clock,
      ...(options.cache ? { cache: new DynamoKeyPointCache(servers().dynamodb, servers().tableName, clock) } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.warn ? { warn: options.warn } : {}),
    });

  it('uses a good answer: the title and points the model wrote, asked for as strict JSON with the key as a bearer token', async () => {
    server.answer(
      answer('Southampton dockworkers strike over pay', [
        'Dockworkers in Southampton walked out on Monday over pay.',
        'The Unite union said 1,900 members joined the 72-hour strike.',
      ]),
    );
    const result = await extractor().extract(strike, { max: 8 });
    expect(result.title).toBe('Southampton dockworkers strike over pay');
    expect(result.keyPoints).toEqual([
      'Dockworkers in Southampton walked out on Monday over pay.',
      'The Unite union said 1,900 members joined the 72-hour strike.',
    ]);
    expect(result.llm).toEqual({ dropped: 0, cached: false });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]!.body).toMatchObject({ model: 'test-model', response_format: { type: 'json_schema' } });
  });

  it("drops a point with an invented figure or name and takes the embedded extractor's best point instead", async () => {
    server.answer(answer('Dock strike', ['Dockworkers in Southampton walked out on Monday over pay.', 'DP World offered a 9% rise, worth £3,000 a year.']));
    const result = await extractor().extract(strike, { max: 8 });
    expect(result.keyPoints).toHaveLength(2);
    expect(result.keyPoints[0]).toBe('Dockworkers in Southampton walked out on Monday over pay.');
    expect(result.keyPoints.join(' ')).not.toMatch(/9%|3,000/);
    expect(result.llm).toEqual({ dropped: 1, cached: false });
  });

  it('falls back to the embedded extractor with a warning on malformed JSON', async () => {
    const warnings: string[] = [];
    server.answer({ content: 'Here are the key points: Dockworkers walked out.' });
    const result = await extractor({ warn: (m) => warnings.push(m) }).extract(strike, { max: 8 });
    const embedded = await new EmbeddedKeyPointExtractor().extract(strike, { max: 8 });
    expect(result.keyPoints).toEqual(embedded.keyPoints);
    expect(result.llm?.fallback).toMatch(/not JSON/);
    expect(warnings[0]).toMatch(/test-model.*not JSON.*embedded/);
  });

  it('falls back when the endpoint does not answer within the budget', async () => {
    server.answer({ hang: true });
    const result = await extractor({ timeoutMs: 150 }).extract(strike, { max: 8 });
    expect(result.llm?.fallback).toMatch(/timed out/);
    expect(result.keyPoints.length).toBeGreaterThan(0);
  });

  it('waits as a 429 asks when the wait fits the budget, and falls back when it does not', async () => {
    server.answer(
      { status: 429, headers: { 'retry-after': '2' } },
      answer('Dock strike', ['Dockworkers in Southampton walked out on Monday over pay.', 'Retailers warned shelves could empty within a week.']),
    );
    const before = clock.now().getTime();
    const result = await extractor().extract(strike, { max: 8 });
    expect(result.llm).toEqual({ dropped: 0, cached: false });
    expect(clock.now().getTime() - before).toBe(2000);
    expect(server.requests).toHaveLength(2);

    server.answer({ status: 429, headers: { 'retry-after': '120' } });
    const throttled = await extractor({ timeoutMs: 30_000 }).extract(strike, { max: 8 });
    expect(throttled.llm?.fallback).toMatch(/429.*Retry-After 120 s is beyond the budget/);
  });

  it("falls back when the answer is not in the article's language", async () => {
    server.answer(answer('Circle line delayed', ['The Taipei MRT circle line will open in 2031.', 'It will cost 4.6 billion more.']));
    const result = await extractor().extract(transit, { max: 8 });
    expect(result.llm?.fallback).toMatch(/not in the article's language/);
    expect(result.keyPoints[0]).toMatch(/^台北市捷運局/);
  });

  it('keeps each answer in the table, so a second run calls the endpoint 0 times', async () => {
    server.answer(answer('捷運環狀線北環段延至2031年完工', ['北環段完工時間延至2031年，總經費增加46億元。', '北環段全長14.3公里，設有12座車站。']));
    const first = await extractor({ cache: true }).extract(transit, { max: 8 });
    expect(server.requests).toHaveLength(1);
    const second = await extractor({ cache: true }).extract(transit, { max: 8 });
    expect(server.requests).toHaveLength(1);
    expect(second.keyPoints).toEqual(first.keyPoints);
    expect(second.llm).toEqual({ dropped: 0, cached: true });
  });
});
