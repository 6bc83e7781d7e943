import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDeliveryLedger } from '../../functions/adapters/dynamodb/delivery-ledger.js';
import { DynamoEditionStore } from '../../functions/adapters/dynamodb/edition-store.js';
import { DynamoSignUpLimitStore } from '../../functions/adapters/dynamodb/sign-up-limit-store.js';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store.js';
import { DynamoSuppressionStore } from '../../functions/adapters/dynamodb/suppression-store.js';
import { ensureTable } from '../../functions/adapters/dynamodb/table.js';
import { BackgroundWork } from '../../functions/adapters/local/background-work.js';
import { startEmbeddedServers } from '../../functions/adapters/local/embedded-servers.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { systemClock } from '../../functions/adapters/system-clock.js';
import { newsletterSchema } from '../../functions/core/config.js';
import { SIMULATED_NEWSLETTER, simulatedConfig } from '../../functions/cli/stack-twin/simulation.js';
import { subscriberId } from '../../functions/core/subscriber.js';
import { createSubscriptionApi, type SubscriptionApiDependencies } from '../../functions/handlers/http/subscription-app.js';
import type { HttpApiEvent } from '../../functions/handlers/http/http-event.js';
import { singleTokenKey } from '../../functions/core/tokens.js';

/**
 * How long POST /subscribe takes to answer for a new, a confirmed and an erased address (issue:
 * the timing told them apart, 32/8/4 ms). Real servers (dynalite, the local SES), real clock:
 * this is the measurement the tests prove structurally. Three ways:
 * - `inline`: the sign-up's work before the answer and no fixed answer time (the old behaviour);
 * - `local`: the dev server's way, work after the answer;
 * - `lambda`: work inline, answer at a fixed time after arrival (150 ms here, 1.5 s deployed).
 */
export async function benchSubscribeTiming(options: { rounds?: number } = {}): Promise<{ name: string; figures: Record<string, number> }> {
  const rounds = options.rounds ?? 40;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'newsletter-bench-subscribe-'));
  const services = await startEmbeddedServers({ dataDir });
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: services.endpoints.dynamodb, credentials });
  const ses = new SESClient({ region: 'us-east-1', endpoint: services.endpoints.ses, credentials, maxAttempts: 1 });
  try {
    const tableName = 'bench-subscribe';
    await ensureTable(dynamodb, tableName);
    // The simulated run's newsletter: sign-ups need one configured, and its articles are never read here.
    const newsletter = newsletterSchema.parse(simulatedConfig('articles').newsletters[0]);
    const tokenKey = randomBytes(32);
    const subscribers = new DynamoSubscriberStore(dynamodb, tableName);
    const suppressions = new DynamoSuppressionStore(dynamodb, tableName);
    const base: SubscriptionApiDependencies = {
      newsletters: [newsletter],
      subscribers,
      suppressions,
      editions: new DynamoEditionStore(dynamodb, tableName),
      ledger: new DynamoDeliveryLedger(dynamodb, tableName),
      mailer: new SesMailer(ses, { fallbackQuota: { maxSendRate: 1000, max24HourSend: -1, sentLast24Hours: 0 } }),
      signUpLimitStore: new DynamoSignUpLimitStore(dynamodb, tableName),
      // Timing, not limits, is measured here.
      signUpLimitSettings: { perMailboxPerHour: 1_000_000, perClientPerHour: 1_000_000, perHour: 1_000_000, quotaShare: 1 },
      tokenKeys: singleTokenKey(tokenKey),
      clock: systemClock,
      log: () => {},
    };
    const confirmed = 'known@example.com';
    const erased = 'gone@example.com';
    const at = new Date().toISOString();
    await subscribers.put({
      id: subscriberId(tokenKey, confirmed),
      newsletterId: newsletter.id,
      email: confirmed,
      status: 'confirmed',
      createdAt: at,
      confirmedAt: at,
    });
    await suppressions.suppress(subscriberId(tokenKey, erased), 'erased', at);

    const background = new BackgroundWork();
    const ways = {
      inline: createSubscriptionApi(base),
      local: createSubscriptionApi({ ...base, afterAnswer: background.run }),
      lambda: createSubscriptionApi({ ...base, subscribeAnswerMs: 150 }),
    };
    const figures: Record<string, number> = {};
    let fresh = 0;
    for (const [way, api] of Object.entries(ways)) {
      const times: Record<'new' | 'confirmed' | 'erased', number[]> = { new: [], confirmed: [], erased: [] };
      for (let i = 0; i < rounds + 3; i++) {
        for (const state of ['new', 'confirmed', 'erased'] as const) {
          const email = state === 'new' ? `new${fresh++}@example.com` : state === 'confirmed' ? confirmed : erased;
          const started = performance.now();
          await api(signUpEvent(email, `192.0.2.${i % 250}`));
          const ms = performance.now() - started;
          // Work left behind by the local way is not part of the answer; let it finish untimed.
          await background.drain();
          if (i >= 3) times[state].push(ms); // the first rounds warm up the JIT and connections
        }
      }
      const medians = { new: median(times.new), confirmed: median(times.confirmed), erased: median(times.erased) };
      for (const [state, value] of Object.entries(medians)) figures[`${way}: median ms, ${state}`] = round(value);
      const values = Object.values(medians);
      figures[`${way}: spread (max÷min − 1), %`] = round((Math.max(...values) / Math.min(...values) - 1) * 100);
    }
    return { name: `POST /subscribe answer time, ${rounds} rounds per state (dynalite + local SES)`, figures };
  } finally {
    dynamodb.destroy();
    ses.destroy();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function signUpEvent(email: string, sourceIp: string): HttpApiEvent {
  return {
    version: '2.0',
    rawPath: '/subscribe',
    rawQueryString: '',
    isBase64Encoded: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, newsletter: SIMULATED_NEWSLETTER }).toString(),
    requestContext: { http: { method: 'POST', path: '/subscribe', sourceIp } },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

// `tsx scripts/bench/subscribe.ts` runs this one alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchSubscribeTiming(), null, 2));
}
