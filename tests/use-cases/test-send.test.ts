import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../functions/adapters/local/virtual-clock.js';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer.js';
import { parseTestAddresses, sendTestCopies } from '../../functions/use-cases/test-send.js';
import { useTestServers } from '../support/local-servers.js';
import { testNewsletter } from '../support/newsletters.js';

/** Test copies of an edition, sent through the local SES server. */
const servers = useTestServers();
const rendered = {
  subject: 'The week in five articles',
  html: '<html><body><p>This week</p><a href="{{unsubscribe_url}}">Unsubscribe</a></body></html>',
  text: 'This week\nUnsubscribe: {{unsubscribe_url}}',
};

describe('parseTestAddresses', () => {
  it('reads a comma-separated list, trimmed, each address once', () => {
    expect(parseTestAddresses(' me@example.com, editor@example.com,,me@example.com ')).toEqual(['me@example.com', 'editor@example.com']);
  });

  it('refuses the whole list for one bad address, naming it and saying what to do', () => {
    expect(() => parseTestAddresses('me@example.com,not-an-address')).toThrow(
      /^--test-to: "not-an-address" is not an email address .*; fix the list and run again$/,
    );
    expect(() => parseTestAddresses(' , ')).toThrow('--test-to needs at least one address: give EMAIL[,EMAIL]');
  });
});

describe('sendTestCopies', () => {
  it("mails each address one copy, subject marked in the newsletter's language, its links pointing at the sign-up page", async () => {
    const newsletter = testNewsletter({ id: 'ai-talent', language: 'zh-Hant' });
    const before = servers().embedded.ses!.messages.length;

    const result = await sendTestCopies(
      newsletter,
      { mailer: new SesMailer(servers().ses), clock: new VirtualClock(Date.parse('2026-12-01T08:00:00Z')) },
      { rendered, editionId: 'ai-talent-2026-12-01-00000001' },
      ['me@example.com', 'editor@example.com'],
    );

    expect(result).toEqual({ sent: 2, subject: '[測試] The week in five articles' });
    const sent = servers().embedded.ses!.messages.slice(before);
    expect(sent.flatMap((m) => m.destinations)).toEqual(['me@example.com', 'editor@example.com']);
    const mail = await simpleParser(sent[0]!.raw);
    expect(mail.subject).toBe('[測試] The week in five articles');
    expect(mail.text).toContain('Unsubscribe: https://news.example.com/subscribe?newsletter=ai-talent');
    expect(mail.text).not.toContain('token=');
  });

  it('takes the mark given instead of the language default', async () => {
    const result = await sendTestCopies(
      testNewsletter(),
      { mailer: new SesMailer(servers().ses), clock: new VirtualClock(Date.parse('2026-12-01T08:00:00Z')) },
      { rendered, editionId: 'weekly-2026-12-01-00000002' },
      ['me@example.com'],
      { subjectMark: '[Proof 2]' },
    );
    expect(result.subject).toBe('[Proof 2] The week in five articles');
  });
});
