import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEditionStore } from '../../../functions/adapters/dynamodb/edition-store.js';
import { DynamoFeedbackLog } from '../../../functions/adapters/dynamodb/feedback-log.js';
import { DynamoSuppressionStore } from '../../../functions/adapters/dynamodb/suppression-store.js';
import { loadOrCreateTokenKey } from '../../../functions/adapters/local/token-key.js';
import { handleFeedback } from '../../../functions/use-cases/feedback.js';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/**
 * `editions show ID` after a send: SES events (as the configuration set publishes them, with the
 * edition's message tags) are fed through the feedback use case, and the command prints the counts.
 */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-show-events-' });
  for (const who of ['ann', 'bob', 'cat', 'dan']) expect((await ws.run('subscribers', 'add', `${who}@example.com`)).code).toBe(0);
});

afterAll(async () => ws?.stop());

describe('editions show', () => {
  it('prints the deliveries, bounces, complaints, rejects and delays SES reported for the edition', async () => {
    expect((await ws.run('digest', '--out', ws.out)).code).toBe(0);
    const [edition] = JSON.parse((await ws.run('editions', 'list', '--json')).output) as { editionId: string; newsletterId: string }[];
    const { editionId, newsletterId } = edition!;
    const sent = await Promise.all(ws.servers.embedded.ses!.messages.map((m) => simpleParser(m.raw)));
    expect(sent).toHaveLength(4);

    const tableName = process.env.NEWSLETTER_TABLE ?? 'newsletter';
    const deps = {
      editions: new DynamoEditionStore(ws.servers.dynamodb, tableName),
      suppressions: new DynamoSuppressionStore(ws.servers.dynamodb, tableName),
      feedback: new DynamoFeedbackLog(ws.servers.dynamodb, tableName),
      idKey: await loadOrCreateTokenKey(ws.dataDir),
      now: new Date(),
    };
    const mail = (i: number) => ({
      messageId: `ses-${i}`,
      tags: { newsletter: [newsletterId], edition: [editionId] },
      commonHeaders: { messageId: sent[i]!.messageId },
    });
    const to = (i: number) => (sent[i]!.to && !Array.isArray(sent[i]!.to) ? sent[i]!.to.value[0]!.address! : '');
    const events = [
      { eventType: 'Delivery', mail: mail(0), delivery: { recipients: [to(0)] } },
      { eventType: 'Delivery', mail: mail(1), delivery: { recipients: [to(1)] } },
      { eventType: 'Complaint', mail: mail(1), complaint: { complainedRecipients: [{ emailAddress: to(1) }], feedbackId: 'c-1' } },
      { eventType: 'Bounce', mail: mail(2), bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: to(2) }], feedbackId: 'b-1' } },
      {
        eventType: 'DeliveryDelay',
        mail: mail(3),
        deliveryDelay: { timestamp: '2026-03-02T08:05:00Z', delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: to(3) }] },
      },
      {
        eventType: 'DeliveryDelay',
        mail: mail(3),
        deliveryDelay: { timestamp: '2026-03-02T09:05:00Z', delayType: 'MailboxFull', delayedRecipients: [{ emailAddress: to(3) }] },
      },
      { eventType: 'Reject', mail: mail(3), reject: { reason: 'Bad content' } },
    ];
    // The SNS topic may hand an event over twice; each counts once.
    for (const event of [...events, events[0]!, events[2]!]) await handleFeedback(event, deps);

    const shown = await ws.run('editions', 'show', editionId);
    expect(shown.code).toBe(0);
    expect(shown.output).toContain('SES events: 2 delivered, 1 bounced, 1 complained, 1 rejected, 2 delayed (of 4 sent)');
  });
});
