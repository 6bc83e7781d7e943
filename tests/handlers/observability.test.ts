import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addDeliveryMetrics, createObservability, deliveryCounts, METRICS_NAMESPACE, observe } from '../../functions/handlers/observability.js';

const report = { sent: 48, alreadySent: 0, inProgress: 0, suppressed: 1, failed: 1, throttledRetries: 3, failures: [], durationMs: 10, rate: 7 };

afterEach(() => vi.restoreAllMocks());

/** Everything Powertools writes to stdout while `run` runs, as parsed EMF objects. */
function emfLines(run: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('CloudWatchMetrics'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('deliveryCounts', () => {
  it('counts what a sent batch did', () => {
    expect(deliveryCounts({ status: 'sent', report })).toEqual({ sent: 48, failed: 1, throttled: 3, suppressed: 1 });
  });

  it('reads a paused field when the result carries one', () => {
    expect(deliveryCounts({ status: 'sent', report, paused: { reason: 'identity-not-verified', detail: 'Email address is not verified' } }).pausedReason).toBe(
      'identity-not-verified',
    );
  });

  it('treats a batch skipped at the bounce limit as a pause, and other skips as nothing', () => {
    expect(deliveryCounts({ status: 'skipped', reason: 'bounce rate 5.00% reached the limit of 5.00%' }).pausedReason).toBe('reputation');
    expect(deliveryCounts({ status: 'skipped', reason: 'edition x does not exist' })).toEqual({ sent: 0, failed: 0, throttled: 0, suppressed: 0 });
  });
});

describe('addDeliveryMetrics', () => {
  it('writes the delivery counts in the Newsletter namespace', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'send-batch' });
    addDeliveryMetrics(metrics, deliveryCounts({ status: 'sent', report }), 'weekly-2026-11-29-0a1b2c3d');
    const emf = metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
    };
    expect(emf._aws.CloudWatchMetrics[0]!.Namespace).toBe('Newsletter');
    expect(emf._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name).sort()).toEqual(['DeliveriesFailed', 'DeliveriesSent', 'SendThrottled', 'Suppressed']);
    expect(emf).toMatchObject({ DeliveriesSent: 48, DeliveriesFailed: 1, SendThrottled: 3, Suppressed: 1, service: 'send-batch' });
  });

  it('counts readers handed back after SES errors on every attempt, so a failing endpoint shows before they are failed', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'send-batch' });
    addDeliveryMetrics(metrics, deliveryCounts({ status: 'sent', report: { ...report, handedBack: 4 } }));
    expect(metrics.serializeMetrics()).toMatchObject({ DeliveriesHandedBack: 4 });
  });

  it('emits EditionPaused once for the alarm and once with its reason as a dimension', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'send-batch' });
    const single = emfLines(() =>
      addDeliveryMetrics(metrics, { sent: 0, failed: 0, throttled: 0, suppressed: 0, pausedReason: 'Account sending paused' }, 'weekly-2026-11-29-0a1b2c3d'),
    );
    expect(single).toHaveLength(1);
    expect(single[0]).toMatchObject({ EditionPaused: 1, reason: 'account-sending-paused', editionId: 'weekly-2026-11-29-0a1b2c3d' });
    const stored = metrics.serializeMetrics() as unknown as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } };
    expect(stored).toMatchObject({ EditionPaused: 1 });
    expect(stored._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
  });
});

describe('createObservability', () => {
  type Emf = { _aws: { CloudWatchMetrics: { Namespace: string }[] } };

  it("writes metrics to the stack's POWERTOOLS_METRICS_NAMESPACE and names the trace subsegment after Lambda's _HANDLER", () => {
    const obs = createObservability('send-batch', { POWERTOOLS_METRICS_NAMESPACE: 'Newsletter/Staging', _HANDLER: 'send-batch.handler' });
    addDeliveryMetrics(obs.metrics, { sent: 1, failed: 0, throttled: 0, suppressed: 0 });
    expect((obs.metrics.serializeMetrics() as unknown as Emf)._aws.CloudWatchMetrics[0]!.Namespace).toBe('Newsletter/Staging');
    expect(obs.handlerName).toBe('send-batch.handler');
  });

  it('falls back to the Newsletter namespace and a plain handler name when a variable is empty or absent, each on its own', () => {
    const obs = createObservability('send-batch', { POWERTOOLS_METRICS_NAMESPACE: '', _HANDLER: 'digest.handler' });
    addDeliveryMetrics(obs.metrics, { sent: 1, failed: 0, throttled: 0, suppressed: 0 });
    expect((obs.metrics.serializeMetrics() as unknown as Emf)._aws.CloudWatchMetrics[0]!.Namespace).toBe('Newsletter');
    expect(obs.handlerName).toBe('digest.handler');
    expect(createObservability('send-batch', {}).handlerName).toBe('handler');
  });
});

describe('observe', () => {
  /** The JSON log lines the logger writes while `run` runs (the EMF lines left out). */
  async function logLines(run: () => Promise<void>): Promise<Record<string, unknown>[]> {
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      await run();
    } finally {
      vi.restoreAllMocks();
    }
    return chunks
      .flatMap((c) => c.split('\n'))
      .filter((l) => l.startsWith('{') && !l.includes('CloudWatchMetrics'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const invocation = (awsRequestId: string) => ({
    awsRequestId,
    functionName: 'newsletter-send-batch',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:newsletter-send-batch',
    memoryLimitInMB: '512',
  });

  it('writes the function name, request id and cold start in every line of an invocation', async () => {
    // Powertools counts a cold start only where Lambda says the environment started on demand.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const obs = createObservability('send-batch', {});
    vi.unstubAllEnvs();
    const lines = await logLines(async () => {
      await observe(obs, invocation('req-1'), async () => obs.logger.info('send batch'));
      await observe(obs, invocation('req-2'), async () => obs.logger.info('send batch'));
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ message: 'send batch', cold_start: true, function_name: 'newsletter-send-batch', function_request_id: 'req-1' });
    expect(lines[1]).toMatchObject({ cold_start: false, function_name: 'newsletter-send-batch', function_request_id: 'req-2' });
  });

  it('drops the keys one invocation appended before the next one logs', async () => {
    const obs = createObservability('send-batch', {});
    const lines = await logLines(async () => {
      await observe(obs, invocation('req-1'), async () => {
        obs.logger.appendKeys({ editionId: 'weekly-2026-11-29-0a1b2c3d' });
        obs.logger.info('first');
      });
      await observe(obs, invocation('req-2'), async () => obs.logger.info('second'));
    });
    expect(lines[0]).toMatchObject({ editionId: 'weekly-2026-11-29-0a1b2c3d' });
    expect(lines[1]).not.toHaveProperty('editionId');
    expect(lines[1]).toMatchObject({ function_request_id: 'req-2' });
  });
});
