import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import type { EditionRecord, EditionStatus } from '../../functions/core/edition-lifecycle.js';
import { AwsContext } from '../../functions/handlers/aws-context.js';
import { digestHandler } from '../../functions/handlers/digest.js';
import { useTestServers } from '../support/local-servers.js';
import { stackEnvironment } from '../support/stack-environment.js';
import { testNewsletters } from '../support/subscription-fixtures.js';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';

/**
 * The digest function's hourly watch (`{"watch": true}`) over real dynalite: it publishes the age of
 * the oldest edition still sending, which the stuck-sending alarm reads, at the time of its clock.
 */
const servers = useTestServers();
const savedEnv = { ...process.env };
const HOUR = 3_600_000;
const now = Date.parse('2026-12-03T12:00:00Z');

// The watch reads every newsletter's editions, so each test has a table of its own.
let tableName = '';
beforeEach(async () => {
  tableName = `digest-watch-${randomUUID()}`;
  await ensureTable(servers().dynamodb, tableName);
  Object.assign(
    process.env,
    stackEnvironment({
      // No queue and no secret: the watch reads the table only.
      endpoints: { DYNAMODB: servers().embedded.endpoints.dynamodb },
      tableName,
      tokenSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:unused',
      config: { newsletters: testNewsletters() },
    }),
  );
});
afterAll(() => {
  process.env = savedEnv;
});
afterEach(() => vi.restoreAllMocks());

async function putEdition(newsletterId: string, editionId: string, status: EditionStatus, hoursAgo: number): Promise<void> {
  const edition: EditionRecord = {
    newsletterId,
    editionId,
    status,
    createdAt: new Date(now - hoursAgo * HOUR).toISOString(),
    subject: 'Weekly',
    date: '2026-12-01',
    articles: [],
  };
  await new DynamoEditionStore(servers().dynamodb, tableName).create(edition, { subject: 'Weekly', html: '<p>x</p>', text: 'x' });
}

/** Runs the watch, returning its answer and the EMF lines it wrote. */
async function watch(): Promise<{ answer: Awaited<ReturnType<ReturnType<typeof digestHandler>>>; emf: Record<string, unknown>[] }> {
  const context = new AwsContext(process.env, undefined, new VirtualClock(now));
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const answer = await digestHandler(() => context)({ watch: true });
    return {
      answer,
      emf: chunks
        .flatMap((c) => c.split('\n'))
        .filter((l) => l.includes('CloudWatchMetrics'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('digest handler, hourly watch', () => {
  it('publishes 0 hours when no edition is sending', async () => {
    await putEdition('ai-talent', 'ai-talent-2026-11-24-00000001', 'sent', 200);
    const { answer, emf } = await watch();
    expect(answer).toMatchObject({ status: 'watched', oldestSendingEditionHours: 0, sending: [] });
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ OldestSendingEditionHours: 0, service: 'digest' });
  });

  it('publishes the hours of the oldest edition still sending, of any newsletter, and names it', async () => {
    await putEdition('ai-talent', 'ai-talent-2026-12-01-00000002', 'sending', 40);
    await putEdition('weekly-en', 'weekly-en-2026-12-03-00000003', 'sending', 2);
    await putEdition('weekly-en', 'weekly-en-2026-12-02-00000004', 'paused', 50);
    const { answer, emf } = await watch();
    expect(answer.sending).toEqual([
      { newsletterId: 'ai-talent', editionId: 'ai-talent-2026-12-01-00000002', hours: 40 },
      { newsletterId: 'weekly-en', editionId: 'weekly-en-2026-12-03-00000003', hours: 2 },
    ]);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ OldestSendingEditionHours: 40, service: 'digest', oldestSendingEdition: 'ai-talent/ai-talent-2026-12-01-00000002' });
    const metrics = (emf[0] as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } })._aws.CloudWatchMetrics[0]!;
    expect(metrics).toMatchObject({ Namespace: 'Newsletter', Dimensions: [['service']] });
  });
});
