import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BedrockKeyPointExtractor } from '../../../functions/adapters/key-points/bedrock-key-point-extractor.js';
import { createKeyPointExtractor } from '../../../functions/adapters/key-points/create-extractor.js';
import type { Article } from '../../../functions/core/article.js';
import { ConfigError } from '../../../functions/core/errors.js';
import { EmbeddedKeyPointExtractor } from '../../../functions/adapters/key-points/embedded-key-point-extractor.js';
import { extractKeyPoints } from '../../../functions/core/key-points/extract.js';
import { VirtualClock } from '../../../functions/adapters/local/virtual-clock.js';

const MODEL_ID = 'anthropic.claude-3-haiku-20240307-v1:0';

const article: Pick<Article, 'title' | 'paragraphs' | 'language'> = {
  title: 'City council approves bridge repairs',
  language: 'en',
  paragraphs: [
    'The city council voted 7-2 on Tuesday to spend $40 million repairing the Riverside Bridge, which has been closed since March.',
    'Engineers found cracks in two of the bridge supports during a routine inspection in the spring. They said the bridge was not safe for heavy trucks.',
    'Mayor Ana Lopez said the repairs would start in June and take about eight months.',
    'Local shop owners said the closure had cut their sales by a third.',
    'The money will come from a state infrastructure grant and a city bond approved by voters last year.',
    'A public meeting on the construction schedule will be held next week at City Hall.',
  ],
};
const embeddedPoints = extractKeyPoints(article, { max: 3 }).keyPoints;

interface Received {
  path: string;
  body: { modelId?: string; messages?: { content?: { text?: string }[] }[]; system?: { text?: string }[] };
}

/** How the fake Bedrock answers the next request. */
type Reply = (res: Http2ServerResponse) => void;

const converse =
  (text: string, stopReason = 'end_turn'): Reply =>
  (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text }] } },
        stopReason,
        usage: { inputTokens: 420, outputTokens: 80, totalTokens: 500 },
        metrics: { latencyMs: 12 },
      }),
    );
  };

const failure =
  (status: number, type: string, message: string): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
  };

/** Never answers: the client has to give up. */
const hang: Reply = () => undefined;

/**
 * The Bedrock Runtime client speaks HTTP/2 (its default handler is NodeHttp2Handler), as the real
 * service does, so the fake is an HTTP/2 cleartext server on loopback.
 */
let server: Http2Server;
const sessions = new Set<ServerHttp2Session>();
let client: BedrockRuntimeClient;
let reply: Reply = converse('{"keyPoints": []}');
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req: Http2ServerRequest, res: Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: decodeURIComponent(req.url ?? ''), body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Received['body'] });
      reply(res);
    });
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
});

afterEach(() => {
  received.length = 0;
});

afterAll(async () => {
  client.destroy();
  for (const session of sessions) session.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function extractor(timeoutMs = 2_000): BedrockKeyPointExtractor {
  return new BedrockKeyPointExtractor({ client, modelId: MODEL_ID, fallback: new EmbeddedKeyPointExtractor(), timeoutMs, clock: new VirtualClock() });
}

const answer = (title: string, keyPoints: string[]) => JSON.stringify({ title, keyPoints });

describe('BedrockKeyPointExtractor', () => {
  it('asks the Converse API of the configured model for the title and as many points as the embedded extractor gives', async () => {
    reply = converse(
      answer('Council approves $40 million bridge repairs', ['The city council voted 7-2 on Tuesday to spend $40 million on the Riverside Bridge.']),
    );
    await extractor().extract(article, { max: 3 });
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe(`/model/${MODEL_ID}/converse`);
    const prompt = received[0]!.body.messages?.[0]?.content?.[0]?.text ?? '';
    expect(prompt).toContain(article.title);
    for (const paragraph of article.paragraphs) expect(prompt).toContain(paragraph);
    expect(prompt).toContain(`exactly ${embeddedPoints.length} key points`);
    expect(received[0]!.body.system?.[0]?.text).toMatch(/JSON/);
  });

  it('uses a good answer (in a code fence too): its title and points, topped up from the embedded extractor', async () => {
    const points = ['The city council voted 7-2 on Tuesday to spend $40 million on the Riverside Bridge.', 'Mayor Ana Lopez said repairs would start in June.'];
    reply = converse(`\`\`\`json\n${answer('Council approves bridge repairs', points)}\n\`\`\``);
    const result = await extractor().extract(article, { max: 3 });
    expect(result.title).toBe('Council approves bridge repairs');
    expect(result.keyPoints.slice(0, 2)).toEqual(points);
    expect(result.keyPoints).toHaveLength(embeddedPoints.length);
    expect(result.llm).toEqual({ dropped: 0, cached: false });
  });

  it('drops a point with a figure the article does not state', async () => {
    reply = converse(
      answer('Bridge repairs', ['The city council voted 7-2 on Tuesday to spend $40 million on the Riverside Bridge.', 'The repairs will cost $55 million.']),
    );
    const result = await extractor().extract(article, { max: 3 });
    expect(result.keyPoints.join(' ')).not.toContain('55');
    expect(result.llm).toEqual({ dropped: 1, cached: false });
  });

  const fallbacks: [string, Reply, RegExp][] = [
    ['an answer that is not JSON', converse('Here are the key points: the bridge is closed.'), /not JSON/],
    ['an answer in another language', converse(answer('橋樑維修', ['市議會週二以7比2通過4000萬美元的橋樑維修案。'])), /not in the article's language/],
    ['an answer cut short', converse('{"keyPoints": ["The city', 'max_tokens'), /stopped early \(max_tokens\)/],
    ['a server error', failure(500, 'InternalServerException', 'something broke'), /failed \(InternalServerException, HTTP 500/],
    ['throttling', failure(429, 'ThrottlingException', 'Too many requests, please wait'), /throttled \(ThrottlingException/],
  ];

  it.each(fallbacks)('falls back to the embedded extractor on %s, saying why', async (_case, given, why) => {
    reply = given;
    const result = await extractor().extract(article, { max: 3 });
    expect(result.keyPoints).toEqual(embeddedPoints);
    expect(result.reason).toMatch(why);
    expect(result.reason).toContain(MODEL_ID);
    expect(result.reason).toMatch(/used the embedded extractor/);
  });

  it('falls back when the model does not answer within the timeout', async () => {
    reply = hang;
    const result = await extractor(150).extract(article, { max: 3 });
    expect(result.keyPoints).toEqual(embeddedPoints);
    expect(result.reason).toMatch(/no answer within 150 ms \(timed out\)/);
  });

  it('does not call the model for an article without text', async () => {
    const result = await extractor().extract({ title: 't', paragraphs: [] }, { max: 3 });
    expect(received).toHaveLength(0);
    expect(result).toEqual({ keyPoints: [], reason: expect.any(String) });
  });
});

describe('createKeyPointExtractor', () => {
  const newsletter = (keyPoints: { extractor: 'embedded' | 'bedrock'; bedrockModelId?: string }) => ({
    id: 'weekly-ai',
    keyPoints: { max: 8, ...keyPoints },
  });

  it('gives the embedded extractor by default', () => {
    expect(createKeyPointExtractor(newsletter({ extractor: 'embedded' }), { bedrock: client }).name).toBe('embedded');
  });

  it('gives the Bedrock extractor with the configured model, falling back to the embedded one', async () => {
    const chosen = createKeyPointExtractor(newsletter({ extractor: 'bedrock', bedrockModelId: MODEL_ID }), { bedrock: client });
    expect(chosen.name).toBe('bedrock');
    reply = failure(500, 'InternalServerException', 'down');
    const result = await chosen.extract(article, { max: 3 });
    expect(received[0]!.path).toBe(`/model/${MODEL_ID}/converse`);
    expect(result.keyPoints).toEqual(embeddedPoints);
  });

  it('refuses a Bedrock extractor without a model id, saying what to set', () => {
    expect(() => createKeyPointExtractor(newsletter({ extractor: 'bedrock' }), { bedrock: client })).toThrow(ConfigError);
    expect(() => createKeyPointExtractor(newsletter({ extractor: 'bedrock' }), { bedrock: client })).toThrow(/bedrockModelId/);
  });

  it('refuses an openai-compatible extractor without its endpoint, or whose key variable is not set, saying what to set', () => {
    const llm = (llmConfig?: { baseUrl: string; model: string; apiKeyEnv?: string }) => ({
      id: 'weekly-ai',
      keyPoints: { max: 8, extractor: 'openai-compatible' as const, ...(llmConfig ? { llm: llmConfig } : {}) },
    });
    expect(() => createKeyPointExtractor(llm())).toThrow(/keyPoints\.llm is not set/);
    const withKey = llm({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 'KP_UNSET_KEY' });
    expect(() => createKeyPointExtractor(withKey, { environment: {} })).toThrow(/KP_UNSET_KEY, which is not set/);
    expect(createKeyPointExtractor(withKey, { environment: { KP_UNSET_KEY: 'sk-x' } }).name).toBe('openai-compatible');
  });
});
