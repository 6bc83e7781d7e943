import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliWorkspace, type CliWorkspace } from '../../support/cli-workspace.js';

/** `digest --test-to` and `preview --test-to`: the edition goes to a few addresses, nothing is recorded. */
let ws: CliWorkspace;

beforeAll(async () => {
  ws = await createCliWorkspace({ prefix: 'newsletter-test-send-' });
});

afterAll(async () => ws?.stop());

async function received(since: number): Promise<ParsedMail[]> {
  return Promise.all(ws.servers.embedded.ses!.messages.slice(since).map((m) => simpleParser(m.raw)));
}

function to(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined;
}

describe('newsletter digest --test-to', () => {
  it('sends a marked copy to the given addresses only and records nothing, so the real run still sends the same articles', async () => {
    const test = await ws.run('digest', '--out', ws.out, '--test-to', 'me@example.com, editor@example.com');
    expect(test.code).toBe(0);
    expect(test.output).toContain('Test copy sent to 2 addresses');
    const copies = await received(0);
    expect(copies.map(to).sort()).toEqual(['editor@example.com', 'me@example.com']);
    expect(copies[0]!.subject).toMatch(/^\[測試\] .*年薪14\.1億/);

    // No edition, no demo reader, no article marked sent.
    expect(JSON.parse((await ws.run('editions', 'list', '--json')).output)).toEqual([]);
    expect((await ws.run('subscribers', 'list')).output).not.toContain('reader@example.com');

    const preview = await ws.run('preview', '--out', ws.out, '--test-to', 'me@example.com');
    expect(preview.code).toBe(0);
    expect((await received(2)).map(to)).toEqual(['me@example.com']);

    const real = await ws.run('digest', '--out', ws.out);
    expect(real.code).toBe(0);
    expect(real.output).toMatch(/Sent 1 message \(0 already sent/);
    const [sent] = await received(3);
    expect(to(sent!)).toBe('reader@example.com');
    expect(sent!.subject).toBe(copies[0]!.subject!.replace(/^\[測試\] /, ''));
  });

  it('refuses a list with a bad address before sending anything', async () => {
    const before = ws.servers.embedded.ses!.messages.length;
    const result = await ws.run('digest', '--out', ws.out, '--test-to', 'me@example.com,not-an-address');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('"not-an-address" is not an email address');
    expect(ws.servers.embedded.ses!.messages).toHaveLength(before);
  });
});
